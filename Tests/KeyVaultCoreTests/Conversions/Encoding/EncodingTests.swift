import Foundation
import Testing
@testable import KeyVaultCore

@Suite("Encodings and PEM blocks")
struct EncodingTests {
    @Test("objectEncoding and objectFormat parse case-insensitively with the Go provider's errors")
    func parsing() throws {
        #expect(try ObjectEncoding(parsing: "") == .utf8)
        #expect(try ObjectEncoding(parsing: "UTF-8") == .utf8)
        #expect(try ObjectEncoding(parsing: "Base64") == .base64)
        #expect(try ObjectEncoding(parsing: "HEX") == .hex)
        let encoding = #expect(throws: ConversionError.self) { try ObjectEncoding(parsing: "SECRET_ALIAS") }
        #expect(encoding?.message == "invalid objectEncoding: SECRET_ALIAS, should be hex, base64 or utf-8")
        #expect(try ObjectFormat(parsing: "") == .pem)
        #expect(try ObjectFormat(parsing: "PFX") == .pfx)
        #expect(try ObjectFormat(parsing: "Pem") == .pem)
        let format = #expect(throws: ConversionError.self) { try ObjectFormat(parsing: "der") }
        #expect(format?.message == "invalid objectFormat: der, should be PEM or PFX")
    }

    @Test("base64 decoding follows Go's StdEncoding")
    func base64() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Data(bytes).base64EncodedString()
            #expect(Base64Text.encode(bytes) == text)
            #expect(try ObjectEncoding.base64.decode(text) == bytes)
            #expect(try ObjectEncoding.base64.decode(Data(bytes).base64EncodedString(options: .lineLength64Characters)) == bytes)
        }
        let invalid = #expect(throws: ConversionError.self) { try ObjectEncoding.base64.decode("-----BEGIN") }
        #expect(invalid?.message == "illegal base64 data at input byte 0")
        let bad = ["YWJj!", "YWJ", "YW=j", "YQ", "YQ===", "YQ==YQ==", "YWJj\t"]
        for text in bad {
            #expect(throws: ConversionError.self) { try ObjectEncoding.base64.decode(text) }
        }
        #expect(Base64Text.decodeLenient("YQ") == [0x61])
        #expect(Base64Text.decodeLenient("-_8") == [0xFB, 0xFF])
        #expect(Base64Text.decodeLenient("Y") == nil)
    }

    @Test("hex decoding follows Go's hex.DecodeString")
    func hex() throws {
        #expect(try ObjectEncoding.hex.decode("00ff10Ab") == [0x00, 0xFF, 0x10, 0xAB])
        #expect(try ObjectEncoding.utf8.decode("héllo") == Array("héllo".utf8))
        let odd = #expect(throws: ConversionError.self) { try ObjectEncoding.hex.decode("abc") }
        #expect(odd?.message == "encoding/hex: odd length hex string")
        let invalid = #expect(throws: ConversionError.self) { try ObjectEncoding.hex.decode("0fzz") }
        #expect(invalid?.message == "encoding/hex: invalid byte at character 2 (not a hexadecimal digit)")
        // The value is a secret: the offending character is never quoted (Go prints U+0073 's').
        let secret = #expect(throws: ConversionError.self) { try ObjectEncoding.hex.decode("s3cr3t-value") }
        #expect(secret.map { !$0.message.contains("'s'") && !$0.message.contains("U+0073") } == true)
        #expect(secret.map { !"\($0)".contains("s3cr3t") } == true)
    }

    @Test("PEM blocks are written in Go's layout and read leniently")
    func pem() throws {
        let bytes = (0..<100).map { UInt8($0) }
        let block = PEMBlock(type: "CERTIFICATE", bytes: bytes)
        let text = block.encoded
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "-----BEGIN CERTIFICATE-----")
        #expect(lines[1].count == 64)
        #expect(text.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(PEMBlock(type: "X", bytes: []).encoded == "-----BEGIN X-----\n-----END X-----\n")
        // 76-column MIME lines, CRLF, text around blocks and RFC 1421 headers are accepted.
        let mime = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let loose = "subject=CN=x\r\n-----BEGIN CERTIFICATE-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\n\(mime)\r\n-----END CERTIFICATE-----\r\ntrailing"
        #expect(try PEMBlock.parseAll(loose) == [block])
        #expect(try PEMBlock.parseAll(text + text) == [block, block])
        #expect(try PEMBlock.parseAll("no pem here").isEmpty)
        #expect(throws: ConversionError.self) { try PEMBlock.parseAll("-----BEGIN A-----\nAAAA\n") }
        #expect(throws: ConversionError.self) { try PEMBlock.parseAll("-----BEGIN A-----\nAAAA\n-----END B-----\n") }
        #expect(throws: ConversionError.self) { try PEMBlock.parseAll("-----BEGIN A-----\n!!!!\n-----END A-----\n") }
    }
}
