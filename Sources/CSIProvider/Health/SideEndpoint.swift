import Hummingbird
import Logging

/// Runs a small Hummingbird HTTP/1 server for one of the provider's side endpoints (`/healthz`, `/metrics`) until a
/// graceful shutdown, reporting the bound port. Its own logs are kept at warning and above.
enum SideEndpoint {
    static func run(
        router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (Int) -> Void
    ) async throws {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: quiet
        )
        try await app.run()
    }
}
