import AzureCoreTesting
import KeyVaultTesting
import Logging

/// Log capture for these tests, on `KeyVaultTesting`'s `LogCapture`: every message (with its metadata), so tests
/// can check warnings and that nothing secret is logged.
enum RecordingLogHandler {
    /// The captured lines.
    struct Storage: Sendable {
        let capture: LogCapture
        var messages: [String] { capture.records.map { "\($0.message) \($0.metadata)" } }
        var warnings: [String] { capture.records.filter { $0.level == .warning }.map { "\($0.message) \($0.metadata)" } }
    }

    /// A trace-level logger writing into a fresh capture.
    static func make() -> (Logger, Storage) {
        let capture = LogCapture()
        return (capture.logger(label: "test", level: .trace), Storage(capture: capture))
    }
}
