import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing

@Suite struct LoopbackIPv6Tests {
    @Test func serverOnIPv6LoopbackIsTrusted() async throws {
        let ca = try TestCertificateAuthority()
        let router = Router()
        router.get("ping") { _, _ in "pong" }
        let server: LoopbackHTTPSServer
        do {
            server = try await LoopbackHTTPSServer.start(router: router, certificateAuthority: ca, host: "::1", logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            // No IPv6 loopback on this machine: nothing to test.
            return
        }
        #expect(server.baseURL.absoluteString.hasPrefix("https://[::1]:"))
        try await AsyncHTTPClientTransport.withTransport(configuration: .init(additionalTrustRootsPEM: [ca.caPEM]), environment: [:]) { transport in
            let response = try await transport.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("ping")), body: nil)
            #expect(String(decoding: response.body, as: UTF8.self) == "pong")
        }
        await server.stop()
    }
}
