import AzureCore

/// One PEM block (`-----BEGIN TYPE-----` … `-----END TYPE-----`), written exactly as Go's `pem.EncodeToMemory`
/// writes it and read leniently.
///
/// Writing: the BEGIN line, the base64 body in lines of 64 characters, the END line, each ended by `\n` (so the
/// text ends with a newline), as the Go provider's files are. Reading accepts any line length, CRLF line ends,
/// text between blocks and RFC 1421 header lines (which are ignored), unlike swift-asn1's strict RFC 7468 parser.
public struct PEMBlock: Sendable, Hashable {
    /// The label, for example `CERTIFICATE`, `PRIVATE KEY`, `PUBLIC KEY`.
    public var type: String
    /// The decoded body.
    public var bytes: [UInt8]

    /// Creates a block.
    /// - Parameters:
    ///   - type: The label.
    ///   - bytes: The DER body.
    public init(type: String, bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }

    /// The block as PEM text, in the Go layout (64-character lines, `\n` endings, trailing newline).
    public var encoded: String { PEMText.encode(type: type, bytes: bytes) }

    /// Concatenates blocks as PEM text.
    /// - Parameter blocks: The blocks, in order.
    /// - Returns: The text of every block, one after the other.
    public static func encode(_ blocks: [PEMBlock]) -> String {
        blocks.map(\.encoded).joined()
    }

    /// Reads every PEM block of a text.
    /// - Parameter text: PEM text (other text around the blocks is ignored).
    /// - Returns: The blocks in order; empty when the text holds none.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidPEM`` for a block without an END line, a
    ///   mismatched END label or a body that is not base64.
    public static func parseAll(_ text: String) throws -> [PEMBlock] {
        do {
            return try PEMText.blocks(in: text).map { PEMBlock(type: $0.type, bytes: $0.bytes) }
        } catch {
            throw ConversionError(code: .invalidPEM, message: error.message)
        }
    }
}

extension PEMBlock: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The label and size; never the body (a `PRIVATE KEY` block is a secret).
    public var description: String { "PEMBlock(type: \(type), \(bytes.count) bytes)" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the byte count in place of the body, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["type": type, "bytes": "<\(bytes.count) bytes redacted>"], displayStyle: .struct)
    }
}
