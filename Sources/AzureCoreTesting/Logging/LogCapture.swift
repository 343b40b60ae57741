import Logging
import Synchronization

/// Captures log records in memory, for tests that inspect what a library logs (no global bootstrap).
///
/// ```swift
/// let capture = LogCapture()
/// let logger = capture.logger(label: "test", level: .trace)
/// // … pass `logger` to the code under test …
/// #expect(!capture.text.contains(secret))
/// ```
public struct LogCapture: Sendable {
    /// One captured record.
    public struct Record: Sendable {
        /// The level.
        public var level: Logger.Level
        /// The message.
        public var message: String
        /// The metadata, rendered as strings.
        public var metadata: [String: String]
        /// The source label.
        public var label: String
    }

    private final class Storage: Sendable {
        let records = Mutex<[Record]>([])
    }

    private let storage = Storage()

    /// Creates an empty capture.
    public init() {}

    /// A logger writing into this capture.
    /// - Parameters:
    ///   - label: The logger label.
    ///   - level: The minimum level (default `.trace`).
    /// - Returns: The logger.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        let storage = self.storage
        var logger = Logger(label: label) { label in Handler(label: label, storage: storage) }
        logger.logLevel = level
        return logger
    }

    /// All records so far.
    public var records: [Record] { storage.records.withLock { $0 } }

    /// Every message and metadata value joined, for substring scans.
    public var text: String {
        records.map { record in
            ([record.message] + record.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    private struct Handler: LogHandler {
        let label: String
        let storage: Storage
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            let record = Record(
                level: event.level,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" },
                label: label
            )
            storage.records.withLock { $0.append(record) }
        }
    }
}
