import Foundation
import Logging
import Testing
@testable import KeyVaultCore

/// Untrusted bytes must end in an error, never in a crash: random and mutated inputs through every conversion.
@Suite("Malformed input")
struct MalformedInputTests {
    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    @Test("mutated PKCS#12 files and random bytes never crash the parser or the converter")
    func mutatedPKCS12() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-legacy", "-inkey", "a.key", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:"])
        let good = try tool.read("a.p12")
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        let (logger, _) = RecordingLogHandler.make()
        var outcomes = (parsed: 0, rejected: 0)
        for _ in 0..<300 {
            var mutated = good
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                mutated[position] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &generator))) }
            do {
                _ = try PKCS12Bundle.parse(mutated)
                outcomes.parsed += 1
            } catch is ConversionError {
                outcomes.rejected += 1
            }
            let secret = SecretBundle(value: Data(mutated).base64EncodedString(), id: "https://v/secrets/a/1",
                                      contentType: "application/x-pkcs12", kid: "https://v/keys/a/1")
            _ = try? ObjectConverter.convert(secret: secret, logger: logger)
        }
        #expect(outcomes.rejected > 0)
        #expect(outcomes.parsed + outcomes.rejected == 300)
        for length in [0, 1, 2, 16, 300] {
            let random = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: ConversionError.self) { try PKCS12Bundle.parse(random) }
        }
    }

    @Test("random PEM-like text, DER and JWK fields never crash")
    func randomText() throws {
        var generator = Generator(state: 42)
        let (logger, _) = RecordingLogHandler.make()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_\n\r -----BEGIN END PRIVATE KEY CERTIFICATE")
        for _ in 0..<300 {
            let length = Int.random(in: 0..<200, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            _ = try? PEMBlock.parseAll(text)
            let pemSecret = SecretBundle(value: text, id: "https://v/secrets/a/1", contentType: "application/x-pem-file",
                                         kid: "https://v/keys/a/1")
            _ = try? ObjectConverter.convert(secret: pemSecret, format: .pfx, logger: logger)
            _ = try? ObjectConverter.convert(secret: pemSecret, normalizePEMCertificates: true, logger: logger)
            for encoding in ObjectEncoding.allCases {
                _ = try? encoding.decode(text)
            }
            let der = Array(text.utf8)
            _ = try? ObjectConverter.convert(certificate: CertificateBundle(id: "x", cer: [0x30, 0x82] + der))
            _ = try? CertificateChainOrderer.order([der, [0x30] + der], logger: logger)
            for kty in ["RSA", "EC", "EC-HSM"] {
                for crv in ["P-256", "P-384", "P-521", "P-256K"] {
                    let jwk = JSONWebKey(kid: "k", kty: kty, n: text, e: String(text.prefix(4)), crv: crv,
                                         x: String(text.prefix(43)), y: String(text.suffix(43)))
                    _ = try? PublicKeyConverter.publicKeyPEM(of: jwk)
                }
            }
        }
        // The loop finishing is the property; one clearly malformed value per conversion must still throw.
        #expect(throws: ConversionError.self) { try PEMBlock.parseAll("-----BEGIN X-----\n") }
        #expect(throws: ConversionError.self) { try ObjectConverter.convert(certificate: CertificateBundle(id: "x", cer: [0x30, 0x00])) }
    }
}
