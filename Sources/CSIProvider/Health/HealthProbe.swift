import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf

/// Dials the provider's socket and calls `grpc.health.v1.Health/Check`, as a kubelet probe through `/healthz` does.
public enum HealthProbe {
    /// Whether the server on `socketPath` answers `SERVING` within `timeout`.
    /// - Parameters:
    ///   - socketPath: The provider's Unix socket.
    ///   - timeout: The longest the dial and call may take.
    /// - Returns: `true` only for a `SERVING` answer in time; a refused dial, an error, `NOT_SERVING` or a time-out
    ///   give `false`.
    public static func isServing(socketPath: String, timeout: Duration) async -> Bool {
        do {
            return try await withThrowingTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    try await withGRPCClient(
                        transport: .http2NIOPosix(target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
                    ) { client in
                        let health = Grpc_Health_V1_Health.Client(wrapping: client)
                        let response = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                        return response.status == .serving
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return Task.isCancelled ? nil : false
                }
                var answer: Bool?
                while answer == nil, let next = try await group.next() { answer = next }
                group.cancelAll()
                return answer ?? false
            }
        } catch {
            return false
        }
    }
}
