import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing
import X509
import _CryptoExtras

/// `description`, `debugDescription`, `dump` and `Mirror` of credentials and their errors never show a secret,
/// a private key, a service-account token or an access token.
@Suite struct CredentialReflectionTests {
    /// Every way a value can be printed, joined.
    func renderings(_ value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        let mirror = Mirror(reflecting: value).children.map { "\($0.label ?? "_"): \($0.value)" }.joined(separator: ", ")
        return [String(describing: value), String(reflecting: value), dumped, mirror].joined(separator: "\n")
    }

    @Test func clientSecretCredentialHidesTheSecret() throws {
        let secret = "reflect~Secret.Value-0123456789"
        let credential = try ClientSecretCredential(
            tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: SecretString(secret)
        )
        let text = renderings(credential)
        #expect(!text.contains(secret))
        #expect(text.contains(IdentityFixture.appClientID))
        #expect(text.contains(Redaction.placeholder))
    }

    @Test func certificateCredentialHidesThePrivateKey() throws {
        let ca = try TestCertificateAuthority()
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let issued = try ca.issueCertificate(commonName: "reflect-app", publicKey: Certificate.PublicKey(key.publicKey), extendedKeyUsage: [.clientAuth])
        let certificate = try ClientCertificate(pemEncoded: issued.certificatePEM + "\n" + key.pkcs8PEMRepresentation)
        let credential = try ClientCertificateCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate)
        let keyBase64 = key.derRepresentation.base64EncodedString()
        for text in [renderings(certificate), renderings(credential)] {
            #expect(!text.contains("SigningKey"), "the key enum is not reflected")
            #expect(!text.contains("PrivateKey"))
            #expect(!text.contains(String(keyBase64.dropFirst(64).prefix(40))))
            #expect(text.contains(certificate.sha256Thumbprint))
            #expect(text.contains("reflect-app"))
        }
    }

    @Test func workloadIdentityCredentialHidesTheServiceAccountToken() async throws {
        try await IdentityFixture.with { f in
            let namespace = "default", serviceAccount = "reflect-sa"
            try await f.entra.addFederatedCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, issuer: f.issuer.issuer,
                subject: "system:serviceaccount:\(namespace):\(serviceAccount)", audience: "api://AzureADTokenExchange"
            )
            let saToken = try f.issuer.mintServiceAccountToken(namespace: namespace, serviceAccount: serviceAccount)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString)").path
            try Data(saToken.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let fromFile = try WorkloadIdentityCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, tokenSource: .file(path: path), options: f.options()
            )
            // After an exchange the file's token is held in memory: it must not be reflected either.
            let access = try await fromFile.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            let json = #"{"api://AzureADTokenExchange":{"token":"\#(saToken)","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
            let fromCSI = try WorkloadIdentityCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, tokenSource: .csiServiceAccountTokens(json), options: f.options()
            )
            for text in [renderings(fromFile), renderings(fromCSI), renderings(FederatedTokenSource.csiServiceAccountTokens(json)), renderings(access)] {
                #expect(!text.contains(saToken))
                #expect(!text.contains(access.token))
                #expect(!text.contains(String(saToken.split(separator: ".")[1].prefix(24))))
            }
            #expect(renderings(fromFile).contains(path))
        }
    }

    @Test func errorsOfARejectedSecretHideIt() async throws {
        try await IdentityFixture.with { f in
            let wrong = "reflect-wrong-secret-987654321"
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: SecretString(wrong), options: f.options()
            )
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 7000215)
            #expect(!renderings(error).contains(wrong))
            #expect(!f.capture.text.contains(wrong))
        }
    }
}
