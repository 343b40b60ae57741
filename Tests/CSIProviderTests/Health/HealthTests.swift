import CSIProvider
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRPCCore
import Logging
import ServiceLifecycle
import Testing

/// Health over gRPC (`grpc.health.v1.Health/Check`) and over HTTP (`GET /healthz`, which dials the socket).
@Suite(.serialized) struct HealthTests {
    @Test func grpcCheckAnswersServingThenNotServingWhileDraining() async throws {
        try await CSIHarness.run(gracePeriod: .seconds(5)) { harness in
            let health = Grpc_Health_V1_Health.Client(wrapping: harness.grpc)
            var request = Grpc_Health_V1_HealthCheckRequest()
            let server = try await health.check(request)
            #expect(server.status == .serving)
            request.service = "v1alpha1.CSIDriverProvider"
            let csi = try await health.check(request)
            #expect(csi.status == .serving)
            request.service = "no.such.Service"
            let unknown = request
            do {
                _ = try await health.check(unknown)
                Issue.record("an unknown service must be notFound")
            } catch let error as RPCError {
                #expect(error.code == .notFound)
            }
            #expect(await HealthProbe.isServing(socketPath: harness.socketPath, timeout: .seconds(5)))
            harness.server.gate.beginDraining()
            request.service = ""
            let draining = try await health.check(request)
            #expect(draining.status == .notServing)
            #expect(!(await HealthProbe.isServing(socketPath: harness.socketPath, timeout: .seconds(5))))
        }
    }

    @Test func httpHealthzDialsTheSocket() async throws {
        try await CSIHarness.run { harness in
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let endpoint = HealthzEndpoint(
                host: "127.0.0.1", port: 0, path: "/healthz", socketPath: harness.socketPath, timeout: .seconds(5),
                logger: Logger(label: "healthz", factory: { _ in SwiftLogNoOpLogHandler() }), onListening: { continuation.yield($0) }
            )
            let group = ServiceGroup(services: [endpoint], gracefulShutdownSignals: [], logger: Logger(label: "q", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let serving = try await HTTPGet.status("http://127.0.0.1:\(port)/healthz")
                #expect(serving == 200)
                let other = try await HTTPGet.status("http://127.0.0.1:\(port)/other")
                #expect(other == 404)
                harness.server.gate.beginDraining()
                let draining = try await HTTPGet.status("http://127.0.0.1:\(port)/healthz")
                #expect(draining == 503)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func httpHealthzWithoutAServerIs503() async throws {
        let directory = try CSIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(!(await HealthProbe.isServing(socketPath: directory.appendingPathComponent("none.sock").path, timeout: .seconds(2))))
    }
}

/// A plain HTTP GET on loopback.
enum HTTPGet {
    static func status(_ url: String) async throws -> Int {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        _ = data
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
