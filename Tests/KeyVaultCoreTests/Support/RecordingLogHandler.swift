import Logging
import Synchronization

/// A log handler that keeps every message, so tests can check warnings (and that nothing secret is logged).
struct RecordingLogHandler: LogHandler {
    final class Storage: Sendable {
        let entries = Mutex<[(Logger.Level, String)]>([])
        var messages: [String] { entries.withLock { $0.map(\.1) } }
        var warnings: [String] { entries.withLock { $0.filter { $0.0 == .warning }.map(\.1) } }
    }

    let storage: Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = "\(event.message) \(event.metadata ?? [:])"
        storage.entries.withLock { $0.append((event.level, text)) }
    }

    /// A logger writing into a fresh storage.
    static func make() -> (Logger, Storage) {
        let storage = Storage()
        let logger = Logger(label: "test") { _ in RecordingLogHandler(storage: storage) }
        return (logger, storage)
    }
}
