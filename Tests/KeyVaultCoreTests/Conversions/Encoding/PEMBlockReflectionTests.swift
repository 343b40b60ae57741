import Foundation
import KeyVaultCore
import Testing

/// A `PRIVATE KEY` block never shows its body in `description`, `debugDescription`, `dump` or `Mirror`.
@Suite struct PEMBlockReflectionTests {
    @Test func aPrivateKeyBlockNeverPrintsItsBytes() {
        let marker: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 0x13, 0x37, 0x42, 0x99]
        let block = PEMBlock(type: "PRIVATE KEY", bytes: marker)
        var dumped = ""
        dump([block], to: &dumped)
        let mirror = Mirror(reflecting: block).children.map { "\($0.label ?? "_"): \($0.value)" }.joined(separator: ", ")
        let renderings = [String(describing: block), String(reflecting: block), "\([block])", dumped, mirror]
        for text in renderings {
            #expect(!text.contains("222, 173, 190, 239"), "the body bytes leak: \(text)")
            #expect(!text.contains("0xde"))
            #expect(text.contains("PRIVATE KEY"))
            #expect(text.contains("8 bytes"))
        }
    }
}
