import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP health endpoint (`GET /healthz` on port 8989 by default), for kubelet's liveness probe.
///
/// Each request dials the provider's socket and calls the gRPC health `Check` within the time-out (the Go
/// provider's behaviour): `200 ok` when it answers `SERVING`, `503` otherwise. Other paths are `404`.
public struct HealthzEndpoint: Service {
    /// The address to listen on (`0.0.0.0` on a node: the DaemonSet uses the host network).
    public var host: String
    /// The port (0 picks a free one, reported through `onListening`).
    public var port: Int
    /// The path, for example `/healthz`.
    public var path: String
    /// The provider's socket.
    public var socketPath: String
    /// How long a probe may take.
    public var timeout: Duration
    /// Called with the bound port once listening.
    public var onListening: @Sendable (Int) -> Void
    /// The logger.
    public var logger: Logger

    /// Creates the endpoint.
    /// - Parameters:
    ///   - host: The listening address.
    ///   - port: The port (0 for any).
    ///   - path: The HTTP path.
    ///   - socketPath: The provider's socket.
    ///   - timeout: The probe's time-out.
    ///   - logger: The logger.
    ///   - onListening: Called with the bound port.
    public init(
        host: String = "0.0.0.0", port: Int = 8989, path: String = "/healthz", socketPath: String,
        timeout: Duration = .seconds(5), logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.socketPath = socketPath
        self.timeout = timeout
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until a graceful shutdown.
    public func run() async throws {
        let router = Router()
        let socketPath = self.socketPath
        let timeout = self.timeout
        let logger = self.logger
        router.get(RouterPath(path)) { _, _ -> Response in
            let serving = await HealthProbe.isServing(socketPath: socketPath, timeout: timeout)
            if !serving { logger.warning("health check failed: the provider socket did not answer SERVING", metadata: ["socket": "\(socketPath)"]) }
            return Response(
                status: serving ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: serving ? "ok\n" : "not serving\n"))
            )
        }
        try await SideEndpoint.run(router: router, host: host, port: port, logger: logger, onListening: onListening)
    }
}
