import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// A Hummingbird application served over TLS on a loopback address and an ephemeral port, for tests.
///
/// The server's certificate is a leaf of a ``TestCertificateAuthority`` valid for `127.0.0.1`, `::1` and
/// `localhost`; clients trust it by adding the authority's ``TestCertificateAuthority/caPEM`` as an extra trust
/// root. Start it with ``start(router:certificateAuthority:host:logger:)`` and stop it with ``stop()``, or use the
/// scoped ``withServer(router:certificateAuthority:host:logger:_:)``.
public struct LoopbackHTTPSServer: Sendable {
    /// The bound port.
    public let port: Int
    /// The bound host literal (`127.0.0.1` or `::1`).
    public let host: String
    private let task: Task<Void, Never>
    private let group: ServiceGroup

    /// `https://127.0.0.1:<port>` (or `https://[::1]:<port>`), without a trailing slash.
    public var baseURL: URL {
        let authority = host.contains(":") ? "[\(host)]" : host
        return URL(string: "https://\(authority):\(port)")!
    }

    /// Starts serving a router (or any responder builder) over TLS.
    /// - Parameters:
    ///   - router: The router, for example a `Router<BasicRequestContext>`.
    ///   - certificateAuthority: The authority whose server leaf the server presents.
    ///   - host: The loopback address to bind (`127.0.0.1` by default, or `::1`).
    ///   - logger: The logger the server uses.
    /// - Returns: The running server; call ``stop()`` when done.
    /// - Throws: ``EmulatorError`` with `serverStartFailed`, or a TLS configuration error.
    public static func start<Builder: HTTPResponderBuilder>(
        router: Builder,
        certificateAuthority: TestCertificateAuthority,
        host: String = "127.0.0.1",
        logger: Logger
    ) async throws -> LoopbackHTTPSServer
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else {
            throw EmulatorError(code: .invalidConfiguration, message: "test servers bind loopback only, not \(host)")
        }
        let leaf = certificateAuthority.serverCertificate
        guard let keyPEM = leaf.privateKeyPEM else {
            throw EmulatorError(code: .invalidConfiguration, message: "server certificate has no private key")
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: leaf.certificateDER, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        )
        let server = try HTTPServerBuilder.tls(.http1(), tlsConfiguration: tls)
        let responder = router.buildResponder()
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: 0), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(.success(channel.localAddress?.port ?? 0))
            },
            logger: logger
        )
        // The application runs in a service group so that stop() is a graceful shutdown (no error lines about
        // cancelled child channels), with cancellation only as a fallback.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(EmulatorError(code: .serverStartFailed, message: "server stopped")))
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        var iterator = events.makeAsyncIterator()
        switch await iterator.next() {
        case .success(let port)? where port > 0:
            return LoopbackHTTPSServer(port: port, host: host, task: task, group: group)
        case .failure(let error)?:
            task.cancel()
            throw error
        default:
            task.cancel()
            _ = await task.result
            throw EmulatorError(code: .serverStartFailed, message: "server reported no port")
        }
    }

    /// Runs a body with a started server and stops the server afterwards, whether the body throws or not.
    /// - Parameters:
    ///   - router: The router.
    ///   - certificateAuthority: The authority whose server leaf is presented.
    ///   - host: The loopback address to bind.
    ///   - logger: The server's logger.
    ///   - body: The code using the server.
    /// - Returns: What the body returns.
    /// - Throws: What the body or ``start(router:certificateAuthority:host:logger:)`` throws.
    public static func withServer<Builder: HTTPResponderBuilder, Result>(
        router: Builder,
        certificateAuthority: TestCertificateAuthority,
        host: String = "127.0.0.1",
        logger: Logger,
        _ body: (LoopbackHTTPSServer) async throws -> Result
    ) async throws -> Result
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let server = try await start(router: router, certificateAuthority: certificateAuthority, host: host, logger: logger)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Stops the server gracefully (in-flight requests finish, idle connections close) and waits until it has shut
    /// down; after two seconds the remaining connections are cancelled.
    public func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let deadline = Task {
            try? await Task.sleep(for: .seconds(2))
            task.cancel()
        }
        await task.value
        deadline.cancel()
    }
}
