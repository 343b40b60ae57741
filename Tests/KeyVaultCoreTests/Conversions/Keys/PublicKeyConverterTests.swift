import Foundation
import Testing
@testable import KeyVaultCore

@Suite("PublicKeyConverter")
struct PublicKeyConverterTests {
    /// The JWK curve name and the matching OpenSSL curve name, with the coordinate size.
    static let curves: [(jwk: String, openssl: String, size: Int)] = [
        ("P-256", "P-256", 32), ("P-384", "P-384", 48), ("P-521", "P-521", 66), ("P-256K", "secp256k1", 32),
    ]

    @Test("EC JWKs of every curve give the SubjectPublicKeyInfo PEM openssl derives", arguments: 0..<4, ["EC", "EC-HSM"])
    func ecCurves(index: Int, kty: String) throws {
        let curve = Self.curves[index]
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("k.pem", curve.openssl)
        let spki = Array(try tool.run(["pkey", "-in", "k.pem", "-pubout", "-outform", "DER"]))
        // The uncompressed point is the end of openssl's SPKI: 0x04 || x || y.
        let point = Array(spki.suffix(1 + 2 * curve.size))
        #expect(point.first == 0x04)
        let x = Array(point[1...curve.size])
        let y = Array(point[(1 + curve.size)...])
        let jwk = JSONWebKey(kid: "https://v.vault.azure.net/keys/k/1", kty: kty, crv: curve.jwk, x: base64URL(x), y: base64URL(y))
        let pem = try PublicKeyConverter.publicKeyPEM(of: jwk)
        #expect(pem == (try tool.publicKeyPEM("k.pem")))
        #expect(try PublicKeyConverter.subjectPublicKeyInfoDER(of: jwk) == spki)
        #expect(String(decoding: try ObjectConverter.convert(key: KeyBundle(key: jwk)), as: UTF8.self) == pem)

        // A coordinate that lost its leading zero bytes (a big-endian integer) still works.
        if x.first == 0 {
            var trimmed = jwk
            trimmed.x = base64URL(Array(x.drop { $0 == 0 }))
            #expect(try PublicKeyConverter.publicKeyPEM(of: trimmed) == pem)
        }
        // A point moved off the curve is rejected.
        var offCurve = jwk
        var badY = y
        badY[badY.count - 1] ^= 0x01
        offCurve.y = base64URL(badY)
        let error = #expect(throws: ConversionError.self) { try PublicKeyConverter.publicKeyPEM(of: offCurve) }
        #expect(error?.code == .invalidJWK)
        // A coordinate that is too long is rejected.
        var tooLong = jwk
        tooLong.x = base64URL([0x01] + x)
        #expect(throws: ConversionError.self) { try PublicKeyConverter.publicKeyPEM(of: tooLong) }
    }

    @Test("RSA JWKs of every key size give the SubjectPublicKeyInfo PEM openssl derives", arguments: [2048, 3072, 4096])
    func rsaSizes(bits: Int) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("k.pem", "rsa:\(bits)")
        let modulusLine = String(decoding: try tool.run(["rsa", "-in", "k.pem", "-noout", "-modulus"]), as: UTF8.self)
        let hex = modulusLine.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "Modulus=", with: "")
        var modulus: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            modulus.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        #expect(modulus.count == bits / 8)
        for kty in ["RSA", "RSA-HSM"] {
            let jwk = JSONWebKey(kid: "https://v.vault.azure.net/keys/k/1", kty: kty, n: base64URL(modulus), e: "AQAB")
            #expect(try PublicKeyConverter.publicKeyPEM(of: jwk) == (try tool.publicKeyPEM("k.pem")))
            // Some producers prefix a zero byte to keep the integer positive: same key.
            var padded = jwk
            padded.n = base64URL([0] + modulus)
            #expect(try PublicKeyConverter.publicKeyPEM(of: padded) == (try tool.publicKeyPEM("k.pem")))
        }
    }

    @Test("oct and unknown key types, unknown curves and malformed fields are errors with the Go texts")
    func errors() {
        let oct = #expect(throws: ConversionError.self) {
            try PublicKeyConverter.publicKeyPEM(of: JSONWebKey(kid: "k", kty: "oct"))
        }
        #expect(oct?.code == .unsupportedKeyType)
        #expect(oct?.message == "failed to get key. key type 'oct' currently not supported")
        #expect(throws: ConversionError.self) { try PublicKeyConverter.publicKeyPEM(of: JSONWebKey(kid: "k", kty: "oct-HSM")) }
        #expect(throws: ConversionError.self) { try PublicKeyConverter.publicKeyPEM(of: JSONWebKey(kid: "k", kty: nil)) }
        let curve = #expect(throws: ConversionError.self) {
            try PublicKeyConverter.publicKeyPEM(of: JSONWebKey(kid: "k", kty: "EC", crv: "P-192", x: "AA", y: "AA"))
        }
        #expect(curve?.message == "curve P-192 is not supported")
        let inputs: [JSONWebKey] = [
            JSONWebKey(kid: "k", kty: "RSA", n: nil, e: "AQAB"),
            JSONWebKey(kid: "k", kty: "RSA", n: "AAAA", e: "AQAB"),
            JSONWebKey(kid: "k", kty: "RSA", n: "not base64!", e: "AQAB"),
            JSONWebKey(kid: "k", kty: "RSA", n: "AQAB", e: ""),
            JSONWebKey(kid: "k", kty: "EC", crv: "P-256", x: "AQAB", y: nil),
            JSONWebKey(kid: "k", kty: "EC", crv: "P-256", x: "A", y: "A"),
            JSONWebKey(kid: "k", kty: "EC", crv: "P-256", x: base64URL(Array(repeating: 0, count: 32)), y: base64URL(Array(repeating: 0, count: 32))),
        ]
        for jwk in inputs {
            #expect(throws: ConversionError.self) { try PublicKeyConverter.publicKeyPEM(of: jwk) }
        }
        let missing = #expect(throws: ConversionError.self) { try ObjectConverter.convert(key: KeyBundle(key: nil)) }
        #expect(missing?.message == "key value is nil")
        let noID = #expect(throws: ConversionError.self) {
            try ObjectConverter.convert(key: KeyBundle(key: JSONWebKey(kid: nil, kty: "RSA")))
        }
        #expect(noID?.message == "key id is nil")
    }
}
