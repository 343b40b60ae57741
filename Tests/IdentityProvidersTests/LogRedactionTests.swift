import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Logging
import Testing
import X509
import _CryptoExtras

/// Runs every credential at trace level and scans all captured log output for tokens, assertions and secrets.
@Suite struct LogRedactionTests {
    @Test func noTokenAssertionOrSecretReachesTheLogs() async throws {
        try await IdentityFixture.with { f in
            var sensitive: [String] = [IdentityFixture.secret]
            let scope = TokenRequestContext(scopes: [IdentityFixture.scope])
            // Client secret (success and failure).
            let secretCredential = try ClientSecretCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: SecretString(IdentityFixture.secret), options: f.options())
            sensitive.append(try await secretCredential.getToken(for: scope).token)
            let wrong = "another-wrong-secret-987"
            sensitive.append(wrong)
            let wrongCredential = try ClientSecretCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: SecretString(wrong), options: f.options())
            let wrongError = try await #require(throws: IdentityError.self) { try await wrongCredential.getToken(for: scope) }
            // Workload identity (success and rejection).
            try await f.entra.addFederatedCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, issuer: f.issuer.issuer, subject: "system:serviceaccount:ns:sa")
            let good = try f.issuer.mintServiceAccountToken(namespace: "ns", serviceAccount: "sa")
            let rejected = try f.issuer.mintServiceAccountToken(namespace: "ns", serviceAccount: "other")
            sensitive += [good, rejected]
            let workload = try WorkloadIdentityCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, tokenSource: .closure { good }, options: f.options())
            sensitive.append(try await workload.getToken(for: scope).token)
            let rejectedCredential = try WorkloadIdentityCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, tokenSource: .closure { rejected }, options: f.options())
            let rejectedError = try await #require(throws: IdentityError.self) { try await rejectedCredential.getToken(for: scope) }
            // Client certificate (success, and an unregistered certificate rejected): the assertion is JWT-shaped.
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let issued = try f.ca.issueCertificate(commonName: "log-app", publicKey: Certificate.PublicKey(key.publicKey), extendedKeyUsage: [.clientAuth])
            try await f.entra.registerCertificate(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: issued.certificate)
            let certificate = try ClientCertificate(pemEncoded: issued.certificatePEM + "\n" + key.pkcs8PEMRepresentation)
            let certificateCredential = try ClientCertificateCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate, options: f.options())
            sensitive.append(try await certificateCredential.getToken(for: scope).token)
            let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let unregistered = try f.ca.issueCertificate(commonName: "log-other", publicKey: Certificate.PublicKey(otherKey.publicKey), extendedKeyUsage: [.clientAuth])
            let unregisteredCredential = try ClientCertificateCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                certificate: try ClientCertificate(pemEncoded: unregistered.certificatePEM + "\n" + otherKey.pkcs8PEMRepresentation), options: f.options()
            )
            let certificateError = try await #require(throws: IdentityError.self) { try await unregisteredCredential.getToken(for: scope) }
            #expect(certificateError.aadstsCode == 700027)
            sensitive += [key.pkcs8PEMRepresentation, otherKey.pkcs8PEMRepresentation].map { String($0.split(separator: "\n")[2]) }
            // Managed identity.
            await f.imds.addManagedIdentity(clientID: "mi-client", objectID: "mi-oid", systemAssigned: true)
            await f.imds.faults.enqueue([.status(500)], pathPrefix: IMDSEmulator.tokenPath)
            let managed = try ManagedIdentityCredential(endpoint: f.imds.endpoint, transport: f.transport, options: f.options())
            sensitive.append(try await managed.getToken(for: scope).token)

            let text = f.capture.text
            #expect(!f.capture.records.isEmpty)
            #expect(f.capture.records.contains { $0.level == .trace || $0.level == .debug })
            for value in sensitive {
                #expect(!text.contains(value), "a sensitive value reached the logs")
                #expect(!wrongError.description.contains(value))
                #expect(!rejectedError.description.contains(value))
                #expect(!certificateError.description.contains(value))
            }
            #expect(!text.contains("eyJ"), "nothing JWT-shaped is logged")
        }
    }
}
