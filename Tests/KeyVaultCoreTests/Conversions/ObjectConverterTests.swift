import Foundation
import Logging
import Testing
@testable import KeyVaultCore

@Suite("ObjectConverter")
struct ObjectConverterTests {
    static let id = "https://v.vault.azure.net/secrets/s/0123"
    static let kid = "https://v.vault.azure.net/keys/s/0123"

    func secret(_ value: String?, contentType: String? = nil, kid: String? = nil, id: String? = Self.id) -> SecretBundle {
        SecretBundle(value: value, id: id, contentType: contentType, kid: kid)
    }

    @Test("plain secrets: the value, then objectEncoding")
    func plainSecrets() throws {
        let (logger, _) = RecordingLogHandler.make()
        #expect(try ObjectConverter.convert(secret: secret("test"), logger: logger) == Array("test".utf8))
        #expect(try ObjectConverter.convert(secret: secret("dGVzdA=="), encoding: .base64, logger: logger) == Array("test".utf8))
        #expect(try ObjectConverter.convert(secret: secret("74657374"), encoding: .hex, logger: logger) == Array("test".utf8))
        // A plain secret is never parsed, whatever its content type or the format asked for.
        #expect(try ObjectConverter.convert(secret: secret("abc", contentType: "application/x-pkcs12"), format: .pfx, logger: logger) == Array("abc".utf8))
        let nilValue = #expect(throws: ConversionError.self) { try ObjectConverter.convert(secret: secret(nil), logger: logger) }
        #expect(nilValue?.message == "secret value is nil")
        let nilID = #expect(throws: ConversionError.self) { try ObjectConverter.convert(secret: secret("x", id: nil), logger: logger) }
        #expect(nilID?.message == "secret id is nil")
    }

    @Test("a PKCS#12 certificate secret becomes the PKCS#8 key and the chain leaf -> root, byte for byte as openssl writes PEM",
          arguments: [["-legacy"], [], ["-macalg", "sha512"]], [false, true])
    func pkcs12ToPEM(exportArguments: [String], rsa: Bool) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        let chain = try ChainFixture.make(tool, intermediates: 1, leafKeyKind: rsa ? "rsa:2048" : "P-256")
        // Certificates given root first, leaf last.
        try tool.write("bundle.pem", chain.pems.reversed().joined().utf8)
        try tool.run(["pkcs12", "-export", "-inkey", "leaf.key", "-in", "bundle.pem", "-out", "c.p12", "-passout", "pass:"] + exportArguments)
        let pfx = try tool.read("c.p12")
        let value = Data(pfx).base64EncodedString()
        let keyPEM = String(decoding: try tool.run(["pkey", "-in", "leaf.key"]), as: UTF8.self)
        #expect(keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))

        let (logger, logs) = RecordingLogHandler.make()
        let bundle = secret(value, contentType: "application/x-pkcs12", kid: Self.kid)
        let pem = try ObjectConverter.convert(secret: bundle, logger: logger)
        #expect(String(decoding: pem, as: UTF8.self) == keyPEM + chain.pems.joined())
        #expect(logs.warnings.isEmpty)

        // objectFormat pfx: the base64 text as Key Vault returned it, or the binary PFX with objectEncoding base64.
        #expect(try ObjectConverter.convert(secret: bundle, format: .pfx, logger: logger) == Array(value.utf8))
        #expect(try ObjectConverter.convert(secret: bundle, format: .pfx, encoding: .base64, logger: logger) == pfx)

        // Separate files, as --write-cert-and-key-in-separate-files does.
        let split = try ObjectConverter.splitCertificatesAndKey(pem)
        #expect(String(decoding: split.certificates, as: UTF8.self) == chain.pems.joined())
        #expect(String(decoding: split.key, as: UTF8.self) == keyPEM)
    }

    @Test("a PEM certificate secret is kept as is, can be normalised, and builds a PFX for objectFormat pfx (Go #1945)")
    func pemSecrets() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        let chain = try ChainFixture.make(tool, intermediates: 2, leafKeyKind: "rsa:2048")
        // An EC/RSA key in PKCS#1 form, then the chain in a scrambled order, as users upload PEM certificates.
        let pkcs1 = String(decoding: try tool.run(["rsa", "-in", "leaf.key", "-traditional"]), as: UTF8.self)
        #expect(pkcs1.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let value = pkcs1 + chain.pems[2] + chain.pems[0] + chain.pems[3] + chain.pems[1]
        let bundle = secret(value, contentType: "application/x-pem-file", kid: Self.kid)
        let (logger, _) = RecordingLogHandler.make()

        #expect(try ObjectConverter.convert(secret: bundle, logger: logger) == Array(value.utf8))

        let keyPEM = String(decoding: try tool.run(["pkey", "-in", "leaf.key"]), as: UTF8.self)
        let normalised = try ObjectConverter.convert(secret: bundle, normalizePEMCertificates: true, logger: logger)
        #expect(String(decoding: normalised, as: UTF8.self) == keyPEM + chain.pems.joined())

        let pfxText = try ObjectConverter.convert(secret: bundle, format: .pfx, logger: logger)
        let pfx = try ObjectConverter.convert(secret: bundle, format: .pfx, encoding: .base64, logger: logger)
        // Each build uses fresh salts, so compare contents, not bytes.
        let fromText = try PKCS12Bundle.parse(Array(try #require(Data(base64Encoded: Data(pfxText)))))
        let parsed = try PKCS12Bundle.parse(pfx)
        #expect(fromText == parsed)
        #expect(parsed.privateKeyPKCS8DER == (try tool.privateKeyPKCS8DER("leaf.key")))
        #expect(Set(parsed.certificatesDER) == Set(chain.ders))
        #expect(parsed.certificatesDER.first == chain.ders[0])
        // And openssl reads it with the empty password.
        try tool.write("built.p12", pfx)
        let certificates = try tool.run(["pkcs12", "-in", "built.p12", "-nokeys", "-passin", "pass:"])
        #expect(String(decoding: certificates, as: UTF8.self).components(separatedBy: "BEGIN CERTIFICATE").count == 5)
    }

    @Test("content type errors and PKCS#12 secrets without a key or with malformed data")
    func certificateSecretErrors() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-nokeys", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:"])
        let certificatesOnly = Data(try tool.read("a.p12")).base64EncodedString()
        let (logger, _) = RecordingLogHandler.make()

        let missing = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(secret: secret("x", contentType: nil, kid: Self.kid), logger: logger)
        }
        #expect(missing?.code == .missingContentType)
        let unknown = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(secret: secret("x", contentType: "text/plain", kid: Self.kid), logger: logger)
        }
        #expect(unknown?.message == "failed to get certificate. unknown content type 'text/plain'")
        let noKey = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(secret: secret(certificatesOnly, contentType: "application/x-pkcs12", kid: Self.kid), logger: logger)
        }
        #expect(noKey?.code == .unsupportedConversion)
        for value in ["not base64!", "", "AAAA", String(certificatesOnly.prefix(40)) + "===="] {
            #expect(throws: ConversionError.self) {
                try ObjectConverter.convert(secret: secret(value, contentType: "application/x-pkcs12", kid: Self.kid), logger: logger)
            }
        }
        // PEM text with objectEncoding base64 fails the way the Go provider does.
        let pemBase64 = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(secret: secret("-----BEGIN CERTIFICATE-----\n", contentType: "application/x-pem-file", kid: Self.kid),
                                        encoding: .base64, logger: logger)
        }
        #expect(pemBase64?.message == "illegal base64 data at input byte 0")
        // Malformed PEM cannot become a PFX.
        for value in ["no blocks", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"] {
            #expect(throws: ConversionError.self) {
                try ObjectConverter.convert(secret: secret(value, contentType: "application/x-pem-file", kid: Self.kid), format: .pfx, logger: logger)
            }
        }
    }

    @Test("certificates become one CERTIFICATE block; malformed DER and missing fields are errors")
    func certificates() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-384")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        let der = try tool.certificateDER("a.crt")
        let expected = String(decoding: try tool.run(["x509", "-in", "a.crt"]), as: UTF8.self)
        let bundle = CertificateBundle(id: "https://v.vault.azure.net/certificates/a/1", cer: der)
        #expect(String(decoding: try ObjectConverter.convert(certificate: bundle), as: UTF8.self) == expected)
        let test = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(certificate: CertificateBundle(id: "x", cer: Array("test".utf8)))
        }
        #expect(test?.code == .invalidDER)
        let noValue = #expect(throws: ConversionError.self) { try ObjectConverter.convert(certificate: CertificateBundle(id: "x", cer: nil)) }
        #expect(noValue?.message == "certificate value is nil")
        let noID = #expect(throws: ConversionError.self) { try ObjectConverter.convert(certificate: CertificateBundle(id: nil, cer: der)) }
        #expect(noID?.message == "certificate id is nil")
    }
}
