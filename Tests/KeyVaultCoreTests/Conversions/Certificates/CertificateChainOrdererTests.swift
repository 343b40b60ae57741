import Foundation
import Logging
import Testing
@testable import KeyVaultCore

@Suite("CertificateChainOrderer")
struct CertificateChainOrdererTests {
    @Test("chains of 3 and 4 certificates come out leaf -> root from every input order", arguments: [1, 2])
    func everyOrder(intermediates: Int) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        let chain = try ChainFixture.make(tool, intermediates: intermediates)
        let (logger, logs) = RecordingLogHandler.make()
        let orders = permutations(chain.ders)
        #expect(orders.count == (intermediates == 1 ? 6 : 24))
        for order in orders {
            #expect(try CertificateChainOrderer.order(order, logger: logger) == chain.ders)
        }
        #expect(logs.warnings.isEmpty)
    }

    @Test("a leaf without a subject key identifier (#1509) and one without any identifiers", arguments: [
        ChainFixture.LeafIdentifiers.akiOnly, .none,
    ])
    func leafWithoutIdentifiers(identifiers: ChainFixture.LeafIdentifiers) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        let chain = try ChainFixture.make(tool, intermediates: 2, leafKeyIdentifiers: identifiers)
        let text = String(decoding: try tool.run(["x509", "-in", "leaf.crt", "-noout", "-text"]), as: UTF8.self)
        #expect(!text.contains("Subject Key Identifier"))
        let (logger, _) = RecordingLogHandler.make()
        for order in permutations(chain.ders) {
            #expect(try CertificateChainOrderer.order(order, logger: logger) == chain.ders)
        }
    }

    @Test("an incomplete chain keeps the original order and logs the Go provider's warning")
    func incompleteChain() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        let chain = try ChainFixture.make(tool, intermediates: 1)
        let leafAndRoot = [chain.ders[0], chain.ders[2]]
        for order in [leafAndRoot, leafAndRoot.reversed()] {
            let (logger, logs) = RecordingLogHandler.make()
            #expect(try CertificateChainOrderer.order(order, logger: logger) == order)
            #expect(logs.warnings.count == 1)
            #expect(logs.warnings.first?.contains(CertificateChainOrderer.incompleteChainWarning) == true)
        }
    }

    @Test("cross-signed CAs: a cycle is an error, and two certificates issuing each other have no leaf")
    func cycles() throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.generateKey("b.key", "P-256")
        try tool.selfSigned("a0.crt", key: "a.key", subject: "/CN=A", ca: true)
        try tool.selfSigned("b0.crt", key: "b.key", subject: "/CN=B", ca: true)
        try tool.issue("a.crt", key: "a.key", subject: "/CN=A", issuerCert: "b0.crt", issuerKey: "b.key", ca: true)
        try tool.issue("b.crt", key: "b.key", subject: "/CN=B", issuerCert: "a0.crt", issuerKey: "a.key", ca: true)
        try tool.generateKey("leaf.key", "P-256")
        try tool.issue("leaf.crt", key: "leaf.key", subject: "/CN=leaf", issuerCert: "a0.crt", issuerKey: "a.key", ca: false)
        let a = try tool.certificateDER("a.crt")
        let b = try tool.certificateDER("b.crt")
        let leaf = try tool.certificateDER("leaf.crt")
        let (logger, _) = RecordingLogHandler.make()
        let cycle = #expect(throws: ConversionError.self) { try CertificateChainOrderer.order([a, leaf, b], logger: logger) }
        #expect(cycle?.code == .certificateChainCycle)
        #expect(cycle?.message == "constructing chain resulted in cycle")
        let noLeaf = #expect(throws: ConversionError.self) { try CertificateChainOrderer.order([a, b], logger: logger) }
        #expect(noLeaf?.code == .noLeafFound)
        #expect(noLeaf?.message == "no leaf found")
    }

    @Test("malformed DER is an error", arguments: [[UInt8](), [0x30, 0x03, 0x02, 0x01], [0x30, 0x82, 0xFF, 0xFF, 0x00]])
    func malformed(bytes: [UInt8]) throws {
        let tool = try OpenSSLTool.make()
        defer { tool.cleanUp() }
        try tool.generateKey("a.key", "P-256")
        try tool.selfSigned("a.crt", key: "a.key", subject: "/CN=A", ca: true)
        let good = try tool.certificateDER("a.crt")
        let (logger, _) = RecordingLogHandler.make()
        let error = #expect(throws: ConversionError.self) { try CertificateChainOrderer.order([good, bytes], logger: logger) }
        #expect(error?.code == .invalidDER)
    }
}
