import AzureCore
import Foundation

/// The emulator's view of PEM (labels and DER as `Data`), on AzureCore's one PEM reader and writer.
enum PEMBlocks {
    struct Block: Equatable {
        var label: String
        var der: Data
    }

    /// The blocks of a text, with the package's one PEM reader; none when the text cannot be read.
    static func parse(_ text: String) -> [Block] {
        ((try? PEMText.blocks(in: text)) ?? []).map { Block(label: $0.type, der: Data($0.bytes)) }
    }

    static func encode(label: String, der: Data) -> String {
        PEMText.encode(type: label, bytes: der)
    }
}
