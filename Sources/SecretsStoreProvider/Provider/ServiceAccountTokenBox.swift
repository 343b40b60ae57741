import Synchronization

/// The current service-account token of a workload identity, replaced on every mount (kubelet refreshes it) and
/// read by the credential when it exchanges it. Never printed.
final class ServiceAccountTokenBox: Sendable, CustomStringConvertible {
    private let token: Mutex<String>

    init(_ token: String) { self.token = Mutex(token) }

    func update(_ newToken: String) { token.withLock { $0 = newToken } }

    var current: String { token.withLock { $0 } }

    var description: String { "ServiceAccountTokenBox(<redacted>)" }
}
