import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The Prometheus endpoint (`GET /metrics` on port 8898 by default, the Go provider's `--prometheus-port`): the
/// registry's series in the text exposition format. Other paths are `404`.
public struct MetricsEndpoint: Service {
    /// The address to listen on.
    public var host: String
    /// The port (0 picks a free one, reported through `onListening`).
    public var port: Int
    /// The registry whose series are served.
    public var registry: PrometheusCollectorRegistry
    /// Called with the bound port once listening.
    public var onListening: @Sendable (Int) -> Void
    /// The logger.
    public var logger: Logger

    /// Creates the endpoint.
    /// - Parameters:
    ///   - host: The listening address.
    ///   - port: The port (0 for any).
    ///   - registry: The registry to serve.
    ///   - logger: The logger.
    ///   - onListening: Called with the bound port.
    public init(
        host: String = "0.0.0.0", port: Int = 8898, registry: PrometheusCollectorRegistry, logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until a graceful shutdown.
    public func run() async throws {
        let router = Router()
        let registry = self.registry
        router.get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
        try await SideEndpoint.run(router: router, host: host, port: port, logger: logger, onListening: onListening)
    }
}
