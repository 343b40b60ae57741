import AzureCoreTesting
import Foundation
import HTTPTypes
import Logging
public import Hummingbird
import NIOCore

extension KeyVaultEmulator {
    /// A Hummingbird router serving one vault: the fault injector first, then every request handed to
    /// ``handle(_:vault:)``.
    /// - Parameter vault: The vault name.
    /// - Returns: The router.
    public nonisolated func router(forVault vault: String) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: faultInjector.middleware(context: BasicRequestContext.self))
        router.add(middleware: KeyVaultEmulatorMiddleware(emulator: self, vault: vault))
        return router
    }

    /// Starts one loopback HTTPS listener per vault (and for vaults added later), presenting the test CA's
    /// server certificate.
    /// - Parameters:
    ///   - certificateAuthority: The test CA whose server leaf is presented.
    ///   - host: The loopback address (`127.0.0.1` by default).
    /// - Throws: What `LoopbackHTTPSServer.start(router:certificateAuthority:host:logger:)` throws.
    public func start(certificateAuthority: TestCertificateAuthority, host: String = "127.0.0.1") async throws {
        servingAuthority = certificateAuthority
        servingHost = host
        for name in vaults.keys.sorted() where servers[name] == nil {
            try await startServer(vault: name, certificateAuthority: certificateAuthority)
        }
    }

    /// Stops every listener.
    public func stop() async {
        let running = servers
        servers = [:]
        servingAuthority = nil
        for server in running.values { await server.stop() }
    }

    func startServer(vault: String, certificateAuthority: TestCertificateAuthority) async throws {
        let server = try await LoopbackHTTPSServer.start(
            router: router(forVault: vault), certificateAuthority: certificateAuthority, host: servingHost,
            logger: logger)
        servers[vault] = server
        logger.debug("key vault emulator serving", metadata: ["vault": "\(vault)", "url": "\(server.baseURL)"])
    }
}

/// The Hummingbird glue: collects the body, builds a ``KeyVaultEmulatorRequest``, returns the emulator's answer.
struct KeyVaultEmulatorMiddleware<Context: RequestContext>: RouterMiddleware {
    let emulator: KeyVaultEmulator
    let vault: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024 * 1024)
        let authority = request.head.authority ?? ""
        let emulatorRequest = KeyVaultEmulatorRequest(
            method: request.method, pathAndQuery: request.uri.description, headerFields: request.headers,
            body: Data(buffer.readableBytesView), authority: authority)
        let answer = await emulator.handle(emulatorRequest, vault: vault)
        return Response(
            status: answer.status, headers: answer.headerFields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
