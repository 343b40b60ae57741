import AzureCoreTesting
import AzureCore
import Crypto
import Foundation
import IdentityProviders
import KeyVaultTesting
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@Suite struct ClientCertificateCredentialTests {
    static let rsaKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    func decodeHeader(_ jwt: String) throws -> [String: Any] {
        var part = String(jwt.split(separator: ".")[0]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while part.count % 4 != 0 { part += "=" }
        let data = try #require(Data(base64Encoded: part))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func rsaCertificate(_ f: IdentityFixture) throws -> (ClientCertificate, Certificate) {
        let issued = try f.ca.issueCertificate(commonName: "app", publicKey: Certificate.PublicKey(Self.rsaKey.publicKey), extendedKeyUsage: [.clientAuth])
        let pem = issued.certificatePEM + "\n" + Self.rsaKey.pkcs8PEMRepresentation + "\n" + f.ca.caPEM
        return (try ClientCertificate(pemEncoded: pem), issued.certificate)
    }

    @Test(arguments: [ClientCertificateCredential.AssertionStyle.ps256WithSHA256Thumbprint, .rs256WithSHA1Thumbprint])
    func rsaCertificateAuthenticates(style: ClientCertificateCredential.AssertionStyle) async throws {
        try await IdentityFixture.with { f in
            let (certificate, x509) = try rsaCertificate(f)
            try await f.entra.registerCertificate(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: x509)
            let credential = try ClientCertificateCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate,
                style: style, options: f.options()
            )
            let assertion = try credential.makeAssertion(audience: "https://example/token")
            let header = try decodeHeader(assertion)
            if style == .ps256WithSHA256Thumbprint {
                #expect(header["alg"] as? String == "PS256")
                #expect(header["x5t#S256"] as? String == certificate.sha256Thumbprint)
            } else {
                #expect(header["alg"] as? String == "RS256")
                #expect(header["x5t"] as? String == certificate.sha1Thumbprint)
            }
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).appid == IdentityFixture.appClientID)
        }
    }

    @Test func x5cCarriesTheChainLeafFirst() async throws {
        try await IdentityFixture.with { f in
            let (certificate, _) = try rsaCertificate(f)
            let credential = try ClientCertificateCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate,
                sendCertificateChain: true, options: f.options()
            )
            let header = try decodeHeader(try credential.makeAssertion(audience: "https://example/token"))
            let x5c = try #require(header["x5c"] as? [String])
            #expect(x5c.count == 2)
            let leaf = try Certificate(derEncoded: Array(try #require(Data(base64Encoded: x5c[0]))))
            #expect(leaf == certificate.leaf)
            #expect(leaf.issuer == f.ca.caCertificate.subject)
        }
    }

    @Test func ecCertificateAuthenticatesWithES256() async throws {
        try await IdentityFixture.with { f in
            let issued = try f.ca.issueCertificate(commonName: "ec-app", extendedKeyUsage: [.clientAuth])
            let pem = try #require(issued.privateKeyPEM) + "\n" + issued.certificatePEM
            let certificate = try ClientCertificate(pemEncoded: pem)
            try await f.entra.registerCertificate(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: issued.certificate)
            let credential = try ClientCertificateCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate, options: f.options())
            #expect(try decodeHeader(try credential.makeAssertion(audience: "x"))["alg"] as? String == "ES256")
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).aud == "https://vault.azure.net")
        }
    }

    @Test func unregisteredCertificateIsAADSTS700027() async throws {
        try await IdentityFixture.with { f in
            let (certificate, _) = try rsaCertificate(f)
            let credential = try ClientCertificateCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate, options: f.options())
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 700027)
            #expect(error.meaning?.contains("certificate") == true)
            #expect(error.meaning?.contains("certificate") == true)
        }
    }

    @Test func pemWithoutMatchingCertificateIsRejected() throws {
        let other = try TestCertificateAuthority()
        let issued = try other.issueCertificate(commonName: "x")
        let pem = Self.rsaKey.pkcs8PEMRepresentation + "\n" + issued.certificatePEM
        let error = try #require(throws: IdentityError.self) { try ClientCertificate(pemEncoded: pem) }
        #expect(error.code == .invalidConfiguration)
    }
}
