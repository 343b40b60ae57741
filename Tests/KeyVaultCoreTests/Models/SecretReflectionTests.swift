import Foundation
import Testing
@testable import KeyVaultCore

/// Secret values and private keys never show in `description`, `debugDescription`, `dump` or `Mirror`.
@Suite("secret reflection")
struct SecretReflectionTests {
    func renderings(_ value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        let mirror = Mirror(reflecting: value).children.map { "\($0.label ?? "_"): \($0.value)" }.joined(separator: ", ")
        return [String(describing: value), String(reflecting: value), dumped, mirror].joined(separator: "\n")
    }

    @Test("a SecretBundle shows its identifier and content type but never its value")
    func secretBundle() {
        let bundle = SecretBundle(
            value: "reflected-s3cr3t-value", id: "https://v.vault.azure.net/secrets/db/0123456789abcdef",
            contentType: "text/plain", tags: ["team": "a"]
        )
        for text in [renderings(bundle), renderings([bundle]), renderings(Optional(bundle) as Any)] {
            #expect(!text.contains("reflected-s3cr3t"))
            #expect(text.contains("0123456789abcdef"))
        }
        #expect(Mirror(reflecting: bundle).children.first { $0.label == "value" }?.value as? String == "<redacted>")
        #expect(renderings(SecretBundle(value: nil, id: "x")).contains("nil"))
    }

    @Test("a PKCS12Bundle shows how many certificates it holds but never the private key")
    func pkcs12Bundle() {
        let marker: [UInt8] = Array("PRIVATE-KEY-MARKER-BYTES".utf8)
        let bundle = PKCS12Bundle(privateKeyPKCS8DER: marker, certificatesDER: [[0x30, 0x00], [0x30, 0x01]], leafMatchesKey: true)
        let text = renderings(bundle)
        #expect(!text.contains("\(marker)"))
        #expect(!text.contains("\(marker[0]), \(marker[1]), \(marker[2])"))
        #expect(text.contains("certificates: 2"))
        #expect(text.contains("<redacted>"))
        #expect(renderings(PKCS12Bundle(privateKeyPKCS8DER: nil, certificatesDER: [])).contains("privateKey: nil"))
    }
}
