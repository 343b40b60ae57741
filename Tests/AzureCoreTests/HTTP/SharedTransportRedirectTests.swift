import AzureCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization
import Testing

/// ``AsyncHTTPClientTransport/shared`` (the default transport of credentials and of the provider) must not follow
/// redirects: `HTTPClient.shared` follows them, to other hosts and down to plain HTTP, and keeps a 307's POST body
/// (a token request's client secret or assertion) across origins.
@Suite struct SharedTransportRedirectTests {
    /// A plain-HTTP loopback server (the transport allows `http` to loopback), counting what it receives.
    struct PlainServer {
        let port: Int
        let task: Task<Void, Never>
        func stop() async {
            task.cancel()
            await task.value
        }

        static func start(_ router: Router<BasicRequestContext>) async throws -> PlainServer {
            let (events, continuation) = AsyncStream<Int>.makeStream()
            let app = Application(
                responder: router.buildResponder(),
                server: .http1(),
                configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            let task = Task {
                try? await app.run()
                continuation.finish()
            }
            var iterator = events.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return PlainServer(port: port, task: task)
        }
    }

    final class Received: Sendable {
        let bodies = Mutex<[String]>([])
        let authorizations = Mutex<[String]>([])
    }

    /// Starts a "thief" server recording whatever reaches it and a redirector answering `POST /token` and
    /// `GET /secret` with redirects to the thief, runs `body` with the redirector's port, then stops both.
    static func withRedirectTrap(
        postStatus: Int, getStatus: Int, _ body: (Int, Received) async throws -> Void
    ) async throws {
        let received = Received()
        let thief = Router()
        thief.post("steal") { request, _ -> String in
            var body = try await request.body.collect(upTo: 1 << 16)
            received.bodies.withLock { $0.append(body.readString(length: body.readableBytes) ?? "") }
            received.authorizations.withLock { $0.append(request.headers[.authorization] ?? "") }
            return "{}"
        }
        thief.get("steal") { request, _ -> String in
            received.authorizations.withLock { $0.append(request.headers[.authorization] ?? "") }
            return "{}"
        }
        let thiefServer = try await PlainServer.start(thief)
        let redirector = Router()
        let location = "http://127.0.0.1:\(thiefServer.port)/steal"
        redirector.post("token") { _, _ in Response(status: .init(code: postStatus), headers: [.location: location]) }
        redirector.get("secret") { _, _ in Response(status: .init(code: getStatus), headers: [.location: location]) }
        let redirectorServer = try await PlainServer.start(redirector)
        do {
            try await body(redirectorServer.port, received)
        } catch {
            await redirectorServer.stop()
            await thiefServer.stop()
            throw error
        }
        await redirectorServer.stop()
        await thiefServer.stop()
    }

    /// Sends a token-style POST carrying a client secret and a GET carrying a bearer token to the redirector.
    static func sendSecrets(with transport: some HTTPTransport, port: Int) async throws -> (post: Int, get: Int) {
        let post = try await transport.send(
            HTTPRequest(method: .post, targetURL: URL(string: "http://127.0.0.1:\(port)/token")!,
                        headerFields: [.contentType: "application/x-www-form-urlencoded"]),
            body: Data("client_secret=hunter2-secret".utf8)
        )
        let get = try await transport.send(
            HTTPRequest(method: .get, targetURL: URL(string: "http://127.0.0.1:\(port)/secret")!,
                        headerFields: [.authorization: "Bearer token-value"]),
            body: nil
        )
        return (post.statusCode, get.statusCode)
    }

    @Test(arguments: [307, 308, 302])
    func sharedTransportDoesNotFollowRedirects(status: Int) async throws {
        try await Self.withRedirectTrap(postStatus: status, getStatus: status) { port, received in
            for transport in [AsyncHTTPClientTransport.shared, .sharedClient(requestTimeout: .seconds(10))] {
                let (post, get) = try await Self.sendSecrets(with: transport, port: port)
                #expect(post == status, "the redirect is returned, not followed")
                #expect(get == status)
            }
            #expect(received.bodies.withLock { $0 }.isEmpty, "the secret body never reaches the redirect target")
            #expect(received.authorizations.withLock { $0 }.isEmpty, "nothing reaches the redirect target")
        }
    }

    @Test func urlSessionTransportDoesNotFollowRedirects() async throws {
        try await Self.withRedirectTrap(postStatus: 307, getStatus: 302) { port, received in
            let (post, get) = try await Self.sendSecrets(with: URLSessionTransport(requestTimeout: .seconds(10)), port: port)
            #expect(post == 307)
            #expect(get == 302)
            #expect(received.bodies.withLock { $0 }.isEmpty)
            #expect(received.authorizations.withLock { $0 }.isEmpty)
        }
    }
}
