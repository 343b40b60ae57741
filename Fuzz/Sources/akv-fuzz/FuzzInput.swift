import Foundation

/// Helpers that turn one fuzz input into the several values a target needs.
enum FuzzInput {
    /// The input as text; invalid UTF-8 is repaired, as a `String(decoding:)` reader would.
    static func text(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self)
    }

    /// Splits the input at `separator` bytes (at most `limit` parts; the last part keeps any further separators).
    static func parts(_ data: Data, separator: UInt8 = 0, limit: Int) -> [Data] {
        var result: [Data] = []
        var rest = data[...]
        while result.count < limit - 1, let index = rest.firstIndex(of: separator) {
            result.append(Data(rest[..<index]))
            rest = rest[rest.index(after: index)...]
        }
        result.append(Data(rest))
        return result
    }

    /// The first byte (a selector for targets with several modes) and the bytes after it.
    static func selector(_ data: Data) -> (UInt8, Data) {
        guard let first = data.first else { return (0, Data()) }
        return (first, Data(data.dropFirst()))
    }
}
