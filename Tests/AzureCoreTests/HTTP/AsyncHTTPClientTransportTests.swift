import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing

@Suite struct AsyncHTTPClientTransportTests {
    func router(_ faults: FaultInjector) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: faults.middleware())
        router.get("hello") { _, _ in "hello" }
        router.post("echo") { request, _ -> String in
            var body = try await request.body.collect(upTo: 1 << 16)
            return body.readString(length: body.readableBytes) ?? ""
        }
        return router
    }

    @Test func trustsTheTestCAFromABundleFileAndSendsBodies() async throws {
        let ca = try TestCertificateAuthority()
        let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
        try ca.writeCAPEM(to: bundle)
        let faults = FaultInjector()
        try await LoopbackHTTPSServer.withServer(router: router(faults), certificateAuthority: ca, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(caBundlePath: bundle.path), environment: [:]) { transport in
                let get = try await transport.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("hello")), body: nil)
                #expect(get.statusCode == 200)
                #expect(String(decoding: get.body, as: UTF8.self) == "hello")
                let post = try await transport.send(HTTPRequest(method: .post, targetURL: server.baseURL.appendingPathComponent("echo")), body: Data("ping".utf8))
                #expect(String(decoding: post.body, as: UTF8.self) == "ping")
            }
            #expect(await faults.requestCount() == 2)
        }
    }

    @Test func untrustedServerFails() async throws {
        let ca = try TestCertificateAuthority()
        try await LoopbackHTTPSServer.withServer(router: router(FaultInjector()), certificateAuthority: ca, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(connectTimeout: .seconds(2), requestTimeout: .seconds(5)), environment: [:]) { transport in
                let error = try await #require(throws: AzureCoreError.self) {
                    try await transport.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("hello")), body: nil)
                }
                #expect(error.code == .certificateVerificationFailed, "\(error)")
                #expect(error.message.contains("--ca-bundle"))
                // Not transient: a retrying transport gives up after the first attempt (it once tried 4 times, 46 s).
                let retries = Mutex(0)
                let retrying = RetryingTransport(wrapping: transport, onRetry: { _ in retries.withLock { $0 += 1 } })
                let again = try await #require(throws: AzureCoreError.self) {
                    try await retrying.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("hello")), body: nil)
                }
                #expect(again.code == .certificateVerificationFailed, "\(again)")
                #expect(retries.withLock { $0 } == 0, "no retry")
            }
        }
    }

    @Test func plainHTTPOnlyToLoopback() async throws {
        try await AsyncHTTPClientTransport.withTransport(environment: [:]) { transport in
            let error = try await #require(throws: AzureCoreError.self) {
                try await transport.send(HTTPRequest(method: .get, targetURL: URL(string: "http://login.microsoftonline.com/x")!), body: nil)
            }
            #expect(error.code == .insecureRequest)
            #expect(transport.usesProxy(forHost: "vault.azure.net") == false)
        }
        let proxied = try AsyncHTTPClientTransport(environment: ["HTTPS_PROXY": "http://127.0.0.1:3128", "NO_PROXY": ".corp"])
        #expect(proxied.usesProxy(forHost: "myvault.vault.azure.net"))
        #expect(!proxied.usesProxy(forHost: "x.corp"))
        #expect(!proxied.usesProxy(forHost: "127.0.0.1"))
        try await proxied.shutdown()
    }

    @Test func faultsAreRetriedOverRealConnections() async throws {
        let ca = try TestCertificateAuthority()
        let faults = FaultInjector()
        await faults.enqueue([.dropConnection, .status(500), .throttled(retryAfterSeconds: 1)], pathPrefix: "/hello")
        try await LoopbackHTTPSServer.withServer(router: router(faults), certificateAuthority: ca, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(additionalTrustRootsPEM: [ca.caPEM]), environment: [:]) { transport in
                let clock = ManualClock()
                let retrying = RetryingTransport(wrapping: transport, policy: RetryPolicy(maximumAttempts: 5, baseDelay: .milliseconds(100), jitter: 0), clock: clock)
                let response = try await retrying.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("hello")), body: nil)
                #expect(response.statusCode == 200)
                #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200), .seconds(1)])
            }
            #expect(await faults.requestCount(pathPrefix: "/hello") == 4)
            #expect(await faults.responseCount(status: 500, pathPrefix: "/hello") == 1)
            #expect(await faults.responseCount(status: 200) == 1)
        }
    }
}

@Suite struct AsyncHTTPClientTransportLimitTests {
    @Test func oversizedResponsesAreRefused() async throws {
        let ca = try TestCertificateAuthority()
        let router = Router()
        router.get("big") { _, _ in String(repeating: "x", count: 10_000) }
        try await LoopbackHTTPSServer.withServer(router: router, certificateAuthority: ca, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })) { server in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(additionalTrustRootsPEM: [ca.caPEM], maximumResponseBytes: 1000), environment: [:]) { transport in
                let error = try await #require(throws: AzureCoreError.self) {
                    try await transport.send(HTTPRequest(method: .get, targetURL: server.baseURL.appendingPathComponent("big")), body: nil)
                }
                #expect(error.code == .responseTooLarge)
            }
        }
    }
}
