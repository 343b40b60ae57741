import AzureCoreTesting
import AzureCore
import Crypto
import Foundation
import IdentityProviders
import KeyVaultTesting
import NIOSSL
import Testing
import X509
import _CryptoExtras

@Suite struct ClientCertificatePKCS12Tests {
    func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func pfxWithKeyAuthenticates() async throws {
        try await IdentityFixture.with { f in
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let issued = try f.ca.issueCertificate(commonName: "pfx-app", publicKey: Certificate.PublicKey(key.publicKey), extendedKeyUsage: [.clientAuth])
            let bundle = NIOSSLPKCS12Bundle(
                certificateChain: [
                    try NIOSSLCertificate(bytes: issued.certificateDER, format: .der),
                    try NIOSSLCertificate(bytes: Array(f.ca.caPEM.utf8), format: .pem),
                ],
                privateKey: try NIOSSLPrivateKey(bytes: Array(key.pkcs8PEMRepresentation.utf8), format: .pem)
            )
            let pfx = Data(try bundle.serialize(passphrase: Array("pw".utf8)))
            let certificate = try ClientCertificate(pkcs12: pfx, password: "pw")
            #expect(certificate.leaf == issued.certificate)
            #expect(certificate.chain.count == 2)
            try await f.entra.registerCertificate(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: issued.certificate)
            let credential = try ClientCertificateCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, certificate: certificate, options: f.options())
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).appid == IdentityFixture.appClientID)

            let wrong = try #require(throws: IdentityError.self) { try ClientCertificate(pkcs12: pfx, password: "nope") }
            #expect(wrong.message.contains("password"))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func certificateOnlyPFXIsRefusedWithoutCrashing() throws {
        let ca = try TestCertificateAuthority()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pfx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pem = directory.appendingPathComponent("cert.pem")
        let pfx = directory.appendingPathComponent("cert.pfx")
        try Data(ca.serverCertificate.certificatePEM.utf8).write(to: pem)
        let status = try run(["openssl", "pkcs12", "-export", "-nokeys", "-in", pem.path, "-out", pfx.path, "-passout", "pass:"])
        try #require(status == 0)
        let error = try #require(throws: IdentityError.self) { try ClientCertificate.load(pkcs12File: pfx.path, password: "") }
        #expect(error.message.contains("no private key"))
        #expect(throws: IdentityError.self) { try ClientCertificate(pkcs12: Data([0x30, 0x03, 0x02, 0x01, 0x03]), password: nil) }
    }
}
