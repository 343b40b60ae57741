import Foundation
import Testing
@testable import KeyVaultCore

@Suite("PKCS12Bundle")
struct PKCS12BundleTests {
    /// One `openssl pkcs12 -export` variant.
    struct Variant: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        let password: String
        var testDescription: String { name }
    }

    static let variants: [Variant] = [
        Variant(name: "OpenSSL 3 default (AES-256-CBC, PBKDF2, SHA-256 MAC)", arguments: [], password: ""),
        Variant(name: "legacy (RC2-40 certs, 3DES key, SHA-1 MAC)", arguments: ["-legacy"], password: ""),
        Variant(
            name: "explicit RC2-40 + 3DES, SHA-1 MAC, password",
            arguments: ["-legacy", "-certpbe", "PBE-SHA1-RC2-40", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
            password: "pa55 word"
        ),
        Variant(
            name: "3DES both bags",
            arguments: ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
            password: ""
        ),
        Variant(
            name: "AES-256-CBC, SHA-512 MAC",
            arguments: ["-certpbe", "AES-256-CBC", "-keypbe", "AES-256-CBC", "-macalg", "sha512"],
            password: "x"
        ),
        Variant(name: "unencrypted bags, SHA-256 MAC", arguments: ["-certpbe", "NONE", "-keypbe", "NONE"], password: ""),
    ]

    @Test("parses every variant, EC and RSA, matching openssl's own DER", arguments: variants, ["P-256", "rsa:2048"])
    func parsesVariant(variant: Variant, keyKind: String) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("root.key", "P-384")
        try tool.selfSigned("root.crt", key: "root.key", subject: "/CN=Root", ca: true)
        try tool.generateKey("leaf.key", keyKind)
        try tool.issue("leaf.crt", key: "leaf.key", subject: "/CN=leaf", issuerCert: "root.crt", issuerKey: "root.key", ca: false)
        // The chain file lists the root before the leaf: OpenSSL must still report the leaf first.
        let chain = try tool.read("root.crt") + tool.read("leaf.crt")
        try tool.write("chain.pem", chain)
        try tool.run(
            ["pkcs12", "-export", "-inkey", "leaf.key", "-in", "chain.pem", "-out", "out.p12",
             "-passout", "pass:\(variant.password)"] + variant.arguments
        )

        let bundle = try PKCS12Bundle.parse(try tool.read("out.p12"), password: variant.password)
        #expect(bundle.privateKeyPKCS8DER == (try tool.privateKeyPKCS8DER("leaf.key")))
        #expect(bundle.certificatesDER == [try tool.certificateDER("leaf.crt"), try tool.certificateDER("root.crt")])
        #expect(bundle.leafMatchesKey)
    }

    /// A MAC iteration count of 2^31-1 once burnt CPU for minutes (and again every rotation round). Counts are
    /// read from the DER and checked before OpenSSL derives anything.
    @Test("an iteration count above the maximum is refused before any derivation")
    func hugeIterationCountIsRefused() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-inkey", "a.key", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:", "-iter", "65536"])
        let pfx = try tool.read("a.p12")
        #expect((try? PKCS12Bundle.parse(pfx)) != nil, "65,536 iterations are fine")
        // The file ends with the MAC data's iteration count: INTEGER 65536 (02 03 01 00 00). Make it 8,388,607.
        #expect(Array(pfx.suffix(5)) == [0x02, 0x03, 0x01, 0x00, 0x00])
        var hostile = pfx
        hostile.replaceSubrange(hostile.count - 3..<hostile.count, with: [0x7F, 0xFF, 0xFF])
        let started = ContinuousClock.now
        let error = #expect(throws: ConversionError.self) { try PKCS12Bundle.parse(hostile) }
        #expect(error?.code == .invalidPKCS12)
        #expect(error?.message.contains("8388607 key-derivation iterations, above the maximum of 1000000") == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(30), "refused without deriving")
    }

    @Test("a certificates-only PFX parses with no key")
    func certificatesOnly() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: true)
        try tool.run(["pkcs12", "-export", "-nokeys", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:"])
        let bundle = try PKCS12Bundle.parse(try tool.read("a.p12"))
        #expect(bundle.privateKeyPKCS8DER == nil)
        #expect(bundle.certificatesDER == [try tool.certificateDER("a.crt")])
        #expect(!bundle.leafMatchesKey)
    }

    @Test("a wrong password is reported as such")
    func wrongPassword() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-inkey", "a.key", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:right"])
        let error = #expect(throws: ConversionError.self) {
            try PKCS12Bundle.parse(try tool.read("a.p12"), password: "wrong")
        }
        #expect(error?.code == .incorrectPKCS12Password)
        #expect(error?.message.contains("right") == false)
    }

    @Test("malformed input throws, never crashes")
    func malformed() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-inkey", "a.key", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:"])
        let good = try tool.read("a.p12")
        var inputs: [[UInt8]] = [[], [0x30], [0x30, 0x80], Array("MIIKAgEDMIIJ".utf8), Array(repeating: 0xFF, count: 64)]
        for cut in stride(from: 1, to: good.count, by: max(1, good.count / 16)) {
            inputs.append(Array(good.prefix(cut)))
        }
        var flipped = good
        flipped[good.count / 2] ^= 0x5A
        inputs.append(flipped)
        for input in inputs {
            #expect(throws: ConversionError.self) { try PKCS12Bundle.parse(input) }
        }
    }

    @Test("build writes AES-256-CBC/PBKDF2 with a SHA-256 MAC that openssl reads back", arguments: ["P-521", "rsa:2048"])
    func buildRoundTrip(keyKind: String) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("root.key", "P-256")
        try tool.selfSigned("root.crt", key: "root.key", subject: "/CN=Root", ca: true)
        try tool.generateKey("leaf.key", keyKind)
        try tool.issue("leaf.crt", key: "leaf.key", subject: "/CN=leaf", issuerCert: "root.crt", issuerKey: "root.key", ca: false)
        let key = try tool.privateKeyPKCS8DER("leaf.key")
        let root = try tool.certificateDER("root.crt")
        let leaf = try tool.certificateDER("leaf.crt")

        // The leaf is given second: build must still make it the end-entity certificate.
        let pfx = try PKCS12Bundle.build(privateKeyPKCS8DER: key, certificatesDER: [root, leaf], friendlyName: "leaf")
        try tool.write("built.p12", pfx)
        // `-info` prints its algorithm report on standard error: capture it through `sh` with the streams merged.
        let report = try Self.pkcs12Info(tool: tool, file: "built.p12", password: "")
        #expect(report.contains("MAC: sha256"))
        #expect(report.contains("PBES2, PBKDF2, AES-256-CBC"))
        let extractedKey = try tool.run(["pkcs12", "-in", "built.p12", "-nocerts", "-nodes", "-passin", "pass:"])
        try tool.write("extracted.key", extractedKey)
        #expect(try tool.privateKeyPKCS8DER("extracted.key") == key)

        let parsed = try PKCS12Bundle.parse(pfx)
        #expect(parsed.privateKeyPKCS8DER == key)
        #expect(parsed.certificatesDER == [leaf, root])

        let withPassword = try PKCS12Bundle.build(privateKeyPKCS8DER: key, certificatesDER: [leaf], password: "pw")
        #expect(try PKCS12Bundle.parse(withPassword, password: "pw").privateKeyPKCS8DER == key)
        #expect(throws: ConversionError.self) { try PKCS12Bundle.parse(withPassword, password: "") }
    }

    @Test("build rejects malformed parts and a key that matches no certificate")
    func buildRejects() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.generateKey("b.key", "P-256")
        try tool.selfSigned("b.crt", key: "b.key", subject: "/CN=b", ca: false)
        let keyA = try tool.privateKeyPKCS8DER("a.key")
        let certB = try tool.certificateDER("b.crt")
        let mismatch = #expect(throws: ConversionError.self) {
            try PKCS12Bundle.build(privateKeyPKCS8DER: keyA, certificatesDER: [certB])
        }
        #expect(mismatch?.code == .keyCertificateMismatch)
        #expect(throws: ConversionError.self) { try PKCS12Bundle.build(privateKeyPKCS8DER: [0x30, 0x01], certificatesDER: []) }
        #expect(throws: ConversionError.self) { try PKCS12Bundle.build(privateKeyPKCS8DER: nil, certificatesDER: [[1, 2, 3]]) }
        #expect(throws: ConversionError.self) { try PKCS12Bundle.build(privateKeyPKCS8DER: nil, certificatesDER: []) }
        #expect(throws: ConversionError.self) {
            try PKCS12Bundle.build(privateKeyPKCS8DER: nil, certificatesDER: [certB + [0]])
        }
        // A certificates-only file builds and parses back.
        let certsOnly = try PKCS12Bundle.build(privateKeyPKCS8DER: nil, certificatesDER: [certB])
        #expect(try PKCS12Bundle.parse(certsOnly).certificatesDER == [certB])
    }

    @Test("concurrent parses from many tasks give the same result (per-thread OpenSSL context)")
    func concurrentParses() async throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-legacy", "-inkey", "a.key", "-in", "a.crt", "-out", "a.p12", "-passout", "pass:"])
        let pfx = try tool.read("a.p12")
        let expected = try PKCS12Bundle.parse(pfx)
        let results = try await withThrowingTaskGroup(of: PKCS12Bundle.self) { group in
            for index in 0..<32 {
                group.addTask {
                    // Interleave failures, which leave errors on OpenSSL's per-thread queue.
                    if index % 4 == 0 { _ = try? PKCS12Bundle.parse(Array(pfx.prefix(100))) }
                    return try PKCS12Bundle.parse(pfx)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test("without the legacy provider an RC2-40 file fails with a clear error, and modern files still parse")
    func withoutLegacyProvider() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=a", ca: false)
        try tool.run(["pkcs12", "-export", "-legacy", "-inkey", "a.key", "-in", "a.crt", "-out", "legacy.p12", "-passout", "pass:"])
        try tool.run(["pkcs12", "-export", "-inkey", "a.key", "-in", "a.crt", "-out", "modern.p12", "-passout", "pass:"])
        let library = OpenSSLLibraryContext(moduleDirectory: tool.directory.path)
        #expect(!library.legacyAvailable)
        let error = #expect(throws: ConversionError.self) {
            try PKCS12Bundle.parse(try tool.read("legacy.p12"), password: "", library: library)
        }
        #expect(error?.code == .unsupportedPKCS12Algorithm)
        #expect(error?.message.contains("legacy provider") == true)
        let modern = try PKCS12Bundle.parse(try tool.read("modern.p12"), password: "", library: library)
        #expect(modern.privateKeyPKCS8DER == (try tool.privateKeyPKCS8DER("a.key")))
    }

    @Test("the legacy provider is available on this system")
    func legacyProvider() {
        #expect(PKCS12Bundle.legacyAlgorithmsAvailable)
    }

    /// `openssl pkcs12 -info` writes the algorithm report to standard error; run it through `sh` to merge.
    static func pkcs12Info(tool: OpenSSLTool, file: String, password: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl pkcs12 -in \"$1\" -info -noout -passin \"pass:$2\" 2>&1", "sh", file, password]
        process.currentDirectoryURL = tool.directory
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
