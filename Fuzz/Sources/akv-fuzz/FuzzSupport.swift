import AzureCore
import Foundation
import Logging
import Synchronization

/// A clock that never waits, so retries with server-requested delays cost nothing under the fuzzer.
struct FuzzInstantClock: AzureClock {
    /// A fixed time (2026-01-01).
    func now() -> Date { Date(timeIntervalSince1970: 1_767_225_600) }

    /// Returns at once (after checking for cancellation).
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
}

/// A credential that hands out one fixed token.
struct FuzzStaticCredential: TokenCredential {
    /// Returns the fixed token, valid for an hour.
    func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        AccessToken(token: "fuzz-token", expiresOn: Date(timeIntervalSince1970: 1_767_229_200))
    }
}

/// Shared values and the bridge from the synchronous fuzzer callback to async client code.
enum FuzzSupport {
    /// A logger that drops everything.
    static let logger = Logger(label: "akv-fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` to completion on the cooperative pool and waits for it. An error (the expected outcome for
    /// most inputs) is described, as a command-line tool would print it, and otherwise ignored.
    static func wait(_ body: @escaping @Sendable () async throws -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await body()
            } catch {
                describe(error)
            }
            done.signal()
        }
        done.wait()
    }

    /// Formats an error the ways a tool prints it (its description and its debug description), so that the
    /// formatting of server text is fuzzed too.
    static func describe(_ error: any Error) {
        _ = String(describing: error)
        _ = String(reflecting: error)
    }
}
