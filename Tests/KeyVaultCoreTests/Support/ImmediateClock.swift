import AzureCore
import Foundation
import Synchronization

/// A clock whose sleeps return at once and are recorded, so retry tests do not wait.
final class ImmediateClock: AzureClock, Sendable {
    private let slept = Mutex<[Duration]>([])

    func now() -> Date { Date() }

    func sleep(for duration: Duration) async throws {
        slept.withLock { $0.append(duration) }
    }

    /// The durations slept so far.
    var sleeps: [Duration] { slept.withLock { $0 } }
}
