import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one line per message to standard error: logfmt-style text by default
/// (`time=... level=info msg="mount succeeded" pod=web-0`), or one JSON object per line (`--log-format-json`).
///
/// Whatever is logged is written as given; the provider never logs a value, token or secret. Control characters
/// are escaped in both formats, so a logged server text cannot forge a line.
public struct StructuredLogHandler: LogHandler {
    /// The line format.
    public enum Format: Sendable {
        /// `key=value` pairs, values quoted when they hold spaces, quotes, `=` or control characters.
        case logfmt
        /// One JSON object per line.
        case json
    }

    /// The format.
    public var format: Format
    /// The logger label, written as `logger`.
    public var label: String
    /// The minimum level written.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    private let sink: @Sendable (String) -> Void

    /// Creates a handler writing to standard error.
    /// - Parameters:
    ///   - label: The logger label.
    ///   - format: The line format.
    public init(label: String, format: Format) {
        self.init(label: label, format: format, sink: StandardErrorSink.shared.write)
    }

    /// Creates a handler writing each line to `sink` (for tests and other destinations).
    /// - Parameters:
    ///   - label: The logger label.
    ///   - format: The line format.
    ///   - sink: Receives each line, without its line end.
    public init(label: String, format: Format, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    /// Reads and writes one metadata entry.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Self.timestamp()), ("level", "\(event.level)"), ("logger", label), ("msg", "\(event.message)"),
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() { fields.append((key, Self.text(merged[key]!))) }
        if event.level >= .warning { fields.append(("source", "\(event.file.split(separator: "/").last ?? ""):\(event.line)")) }
        sink(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\" }
            return "\(key)=" + (plain ? value : quote(value))
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { quote($0.0) + ":" + quote($0.1) }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (also valid logfmt quoting): quotes, backslashes and control characters escaped.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): "[" + array.map(text).joined(separator: ",") + "]"
        case .dictionary(let dictionary): "{" + dictionary.keys.sorted().map { "\($0)=\(text(dictionary[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var time = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &time)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(time.tm_year) + 1900, Int(time.tm_mon) + 1, Int(time.tm_mday),
            Int(time.tm_hour), Int(time.tm_min), Int(time.tm_sec), Int(spec.tv_nsec / 1_000_000)
        )
    }
}

/// Serializes whole lines to standard error.
final class StandardErrorSink: Sendable {
    static let shared = StandardErrorSink()
    private let lock = Mutex(())

    func write(_ line: String) {
        let data = Data((line + "\n").utf8)
        lock.withLock { _ in FileHandle.standardError.write(data) }
    }
}
