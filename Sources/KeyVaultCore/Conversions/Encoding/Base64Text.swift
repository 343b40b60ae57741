/// Base64 coding with the exact rules the Go provider uses, plus the lenient forms PEM bodies and JSON Web Keys
/// need.
enum Base64Text {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The value of a base64 character (standard or URL alphabet per the flags), or nil.
    private static func value(of byte: UInt8, standard: Bool, url: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+") where standard: return 62
        case UInt8(ascii: "/") where standard: return 63
        case UInt8(ascii: "-") where url: return 62
        case UInt8(ascii: "_") where url: return 63
        default: return nil
        }
    }

    /// Standard base64 with padding.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let chunk = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(standardAlphabet[Int(chunk >> 18 & 63)])
            output.append(standardAlphabet[Int(chunk >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : standardAlphabet[Int(chunk >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : standardAlphabet[Int(chunk & 63)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes like Go's `base64.StdEncoding.DecodeString`: standard alphabet, padding required, `\r` and `\n`
    /// ignored, anything else an error naming the offending input byte.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidBase64`` and Go's text
    ///   `illegal base64 data at input byte N`.
    static func decodeStrict(_ text: String) throws -> [UInt8] {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var quantum: [UInt8] = []
        var quantumStart = 0
        var index = 0
        func fail(_ position: Int) -> ConversionError {
            ConversionError(code: .invalidBase64, message: "illegal base64 data at input byte \(position)")
        }
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") { index += 1; continue }
            if quantum.isEmpty { quantumStart = index }
            if byte == UInt8(ascii: "=") {
                // Padding: allowed only as the 3rd/4th character of the final quantum.
                guard quantum.count >= 2 else { throw fail(index) }
                let padding = quantum.count == 2 ? 2 : 1
                var seen = 0
                var cursor = index
                while cursor < input.count, seen < padding {
                    let c = input[cursor]
                    if c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") { cursor += 1; continue }
                    guard c == UInt8(ascii: "=") else { throw fail(cursor) }
                    seen += 1
                    cursor += 1
                }
                guard seen == padding else { throw fail(input.count) }
                while cursor < input.count {
                    let c = input[cursor]
                    guard c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") else { throw fail(cursor) }
                    cursor += 1
                }
                appendQuantum(quantum, to: &output)
                return output
            }
            guard let value = value(of: byte, standard: true, url: false) else { throw fail(index) }
            quantum.append(value)
            if quantum.count == 4 {
                appendQuantum(quantum, to: &output)
                quantum.removeAll(keepingCapacity: true)
            }
            index += 1
        }
        guard quantum.isEmpty else { throw fail(max(quantumStart, input.count - quantum.count)) }
        return output
    }

    /// Decodes base64 in either alphabet, padded or not, ignoring whitespace (PEM bodies, JWK fields).
    /// - Returns: The bytes, or nil when the text is not base64.
    static func decodeLenient(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var paddingSeen = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
            {
                continue
            }
            if byte == UInt8(ascii: "=") {
                paddingSeen += 1
                if paddingSeen > 2 { return nil }
                continue
            }
            guard paddingSeen == 0, let value = value(of: byte, standard: true, url: true) else { return nil }
            values.append(value)
        }
        if values.count % 4 == 1 { return nil }
        if paddingSeen > 0, (values.count + paddingSeen) % 4 != 0 { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(values.count / 4 * 3 + 2)
        var start = 0
        while start < values.count {
            let end = min(start + 4, values.count)
            appendQuantum(Array(values[start..<end]), to: &output)
            start = end
        }
        return output
    }

    /// Appends the bytes of 2, 3 or 4 sextets.
    private static func appendQuantum(_ quantum: [UInt8], to output: inout [UInt8]) {
        var chunk: UInt32 = 0
        for (offset, value) in quantum.enumerated() { chunk |= UInt32(value) << (18 - 6 * offset) }
        output.append(UInt8(chunk >> 16 & 0xFF))
        if quantum.count >= 3 { output.append(UInt8(chunk >> 8 & 0xFF)) }
        if quantum.count == 4 { output.append(UInt8(chunk & 0xFF)) }
    }
}
