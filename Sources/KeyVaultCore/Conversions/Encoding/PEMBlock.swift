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
    public var encoded: String {
        var text = "-----BEGIN \(type)-----\n"
        let body = Base64Text.encode(bytes)
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            text += body[index..<end]
            text += "\n"
            index = end
        }
        text += "-----END \(type)-----\n"
        return text
    }

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
        var blocks: [PEMBlock] = []
        var current: (type: String, body: [Substring], inHeaders: Bool)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingSuffix { $0 == "\r" || $0 == " " || $0 == "\t" }
            if var block = current {
                if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                    let label = line.dropFirst(9).dropLast(5)
                    guard label == block.type else {
                        throw ConversionError(
                            code: .invalidPEM,
                            message: "PEM block BEGIN \(block.type) ends with END \(label)"
                        )
                    }
                    let joined = block.body.joined()
                    guard let bytes = Base64Text.decodeLenient(String(joined)) else {
                        throw ConversionError(code: .invalidPEM, message: "PEM block \(block.type) is not valid base64")
                    }
                    blocks.append(PEMBlock(type: block.type, bytes: bytes))
                    current = nil
                    continue
                }
                if block.inHeaders {
                    if line.contains(":") { continue }  // RFC 1421 header line, e.g. Proc-Type
                    block.inHeaders = false
                    if line.isEmpty { current = block; continue }
                }
                block.body.append(Substring(line.filter { !$0.isWhitespace }))
                current = block
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                current = (String(line.dropFirst(11).dropLast(5)), [], true)
            }
        }
        if let current {
            throw ConversionError(code: .invalidPEM, message: "PEM block \(current.type) has no END line")
        }
        return blocks
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
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
