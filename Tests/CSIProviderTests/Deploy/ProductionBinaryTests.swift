import Foundation
import Testing

/// The production executables never link the emulators: no symbol of `KeyVaultTesting` is in `akv-mount` or
/// `akv-csi-provider`, while `akv-emulator` (the control) has them.
@Suite struct ProductionBinaryTests {
    static func binary(_ name: String) throws -> Data {
        let provider = try ProviderProcess.binary()
        return try Data(contentsOf: provider.deletingLastPathComponent().appendingPathComponent(name), options: .alwaysMapped)
    }

    @Test(arguments: ["akv-mount", "akv-csi-provider"])
    func productionBinaryHasNoEmulator(name: String) throws {
        let data = try Self.binary(name)
        #expect(data.count > 0)
        #expect(data.range(of: Data("KeyVaultTesting".utf8)) == nil, "\(name) links KeyVaultTesting")
    }

    @Test func emulatorBinaryHasIt() throws {
        #expect(try Self.binary("akv-emulator").range(of: Data("KeyVaultTesting".utf8)) != nil)
    }
}
