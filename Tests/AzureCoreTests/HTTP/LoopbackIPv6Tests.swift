import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct LoopbackIPv6Tests {
    /// Whether this machine has an IPv6 loopback address to listen on, tried once by binding a socket to `[::1]:0`.
    static let ipv6LoopbackIsAvailable: Bool = {
        #if canImport(Glibc)
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET6, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
    }()

    @Test(.enabled(if: LoopbackIPv6Tests.ipv6LoopbackIsAvailable, "no IPv6 loopback address (::1) to listen on"))
    func serverOnIPv6LoopbackIsTrusted() async throws {
        let ca = try TestCertificateAuthority()
        let router = Router()
        router.get("ping") { _, _ in "pong" }
        let server = try await LoopbackHTTPSServer.start(router: router, certificateAuthority: ca, host: "::1", logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(server.baseURL.absoluteString.hasPrefix("https://[::1]:"))
        try await AsyncHTTPClientTransport.withTransport(configuration: .init(additionalTrustRootsPEM: [ca.caPEM]), environment: [:]) { transport in
            let response = try await transport.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("ping")), body: nil)
            #expect(String(decoding: response.body, as: UTF8.self) == "pong")
        }
        await server.stop()
    }
}
