import Foundation

/// The one PEM reader and writer of the package (package access: `KeyVaultCore.PEMBlock`, the client-certificate
/// credential and the emulators all use it).
///
/// Reading is lenient as Go's `pem.Decode` is: any base64 line length, CRLF line ends, text between blocks, RFC 1421
/// header lines (ignored), base64url characters and missing padding. It is strict where silence would hide damage:
/// a block without an END line, an END label that differs from its BEGIN label, or a body that is not base64.
/// Writing is Go's `pem.EncodeToMemory` layout: 64-character lines, `\n` endings, a trailing newline.
package enum PEMText {
    /// Why a PEM text could not be read.
    package enum Failure: Error, Equatable, Sendable {
        /// `BEGIN <type>` closed by `END <label>`.
        case mismatchedEnd(type: String, label: String)
        /// The body of a `<type>` block is not base64.
        case invalidBase64(type: String)
        /// The `<type>` block has no END line.
        case missingEnd(type: String)

        /// A sentence for error messages.
        package var message: String {
            switch self {
            case .mismatchedEnd(let type, let label): "PEM block BEGIN \(type) ends with END \(label)"
            case .invalidBase64(let type): "PEM block \(type) is not valid base64"
            case .missingEnd(let type): "PEM block \(type) has no END line"
            }
        }
    }

    /// Reads every block of a text, in order.
    /// - Parameter text: PEM text.
    /// - Returns: Each block's label and decoded body; empty when the text holds no block.
    /// - Throws: ``Failure``.
    package static func blocks(in text: String) throws(Failure) -> [(type: String, bytes: [UInt8])] {
        var blocks: [(type: String, bytes: [UInt8])] = []
        var current: (type: String, body: String, inHeaders: Bool)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(rawLine)
            while let last = line.last, last == "\r" || last == " " || last == "\t" { line.removeLast() }
            if var block = current {
                if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                    let label = String(line.dropFirst(9).dropLast(5))
                    guard label == block.type else { throw .mismatchedEnd(type: block.type, label: label) }
                    guard let bytes = decodeBase64(block.body) else { throw .invalidBase64(type: block.type) }
                    blocks.append((block.type, bytes))
                    current = nil
                    continue
                }
                if block.inHeaders {
                    if line.contains(":") { continue }  // RFC 1421 header line, e.g. Proc-Type
                    block.inHeaders = false
                    if line.isEmpty { current = block; continue }
                }
                block.body += line.filter { !$0.isWhitespace }
                current = block
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                current = (String(line.dropFirst(11).dropLast(5)), "", true)
            }
        }
        if let current { throw .missingEnd(type: current.type) }
        return blocks
    }

    /// One block as PEM text in Go's layout.
    /// - Parameters:
    ///   - type: The label, for example `CERTIFICATE`.
    ///   - bytes: The DER body.
    /// - Returns: The text, ending with a newline.
    package static func encode(type: String, bytes: some Collection<UInt8>) -> String {
        let body = Data(bytes).base64EncodedString()
        var text = "-----BEGIN \(type)-----\n"
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            text += body[index..<end]
            text += "\n"
            index = end
        }
        return text + "-----END \(type)-----\n"
    }

    /// Standard or url-safe base64, padding optional (at most two `=`, only at the end).
    private static func decodeBase64(_ body: String) -> [UInt8]? {
        var text = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padding = text.reversed().prefix { $0 == "=" }.count
        guard padding <= 2, !text.dropLast(padding).contains("=") else { return nil }
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).map(Array.init)
    }
}
