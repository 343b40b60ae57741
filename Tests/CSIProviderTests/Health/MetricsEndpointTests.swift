import AzureCoreTesting
import CSIProvider
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRPCCore
import KeyVaultTesting
import Logging
import Prometheus
import SecretsStoreProvider
import ServiceLifecycle
import Testing

/// `GET /metrics` after a set of mounts: the series and their values, with low-cardinality labels only.
@Suite(.serialized) struct MetricsEndpointTests {
    typealias Sample = AzureEmulatorSeed.Sample

    /// The value of the first sample of `name` whose labels include every pair of `labels`.
    static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let matches = labels.allSatisfy { line.contains("\($0.key)=\"\($0.value)\"") }
            if matches, let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return nil
    }

    @Test func seriesAfterMounts() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        try await CSIHarness.run(configure: { $0.metrics = ProviderMetrics(factory: factory) }) { harness in
            let objects = ["objectName: secret1\nobjectType: secret", "objectName: key1\nobjectType: key"]
            let request = try harness.request(.servicePrincipal(), objects: objects)
            _ = try await harness.client.mount(request)
            await harness.emulators.keyVault.faultInjector.setLatency(.milliseconds(300))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await harness.client.mount(request) } }
                try await group.waitForAll()
            }
            await harness.emulators.keyVault.faultInjector.setLatency(nil)
            _ = try await harness.mountError(try harness.request(.servicePrincipal(), objects: ["objectName: nothing\nobjectType: secret"]))
            let forbidden = CSIHarness.Identity.servicePrincipal(
                clientID: Sample.unauthorizedApplication.clientID, secret: Sample.unauthorizedApplication.secret ?? ""
            )
            _ = try await harness.mountError(try harness.request(forbidden, objects: ["objectName: secret1\nobjectType: secret"]))

            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let endpoint = MetricsEndpoint(
                host: "127.0.0.1", port: 0, registry: registry, logger: Logger(label: "m", factory: { _ in SwiftLogNoOpLogHandler() }),
                onListening: { continuation.yield($0) }
            )
            let group = ServiceGroup(services: [endpoint], gracefulShutdownSignals: [], logger: Logger(label: "q", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                let text = String(decoding: data, as: UTF8.self)
                let mount = "/v1alpha1.CSIDriverProvider/Mount"
                #expect(Self.sample(text, "grpc_request_count", ["grpc_method": mount, "grpc_code": "OK"]) == 5, "\(text)")
                #expect(Self.sample(text, "grpc_request_count", ["grpc_method": mount, "grpc_code": "NotFound"]) == 1)
                #expect(Self.sample(text, "grpc_request_count", ["grpc_method": mount, "grpc_code": "PermissionDenied"]) == 1)
                #expect(Self.sample(text, "grpc_request_bucket", ["grpc_method": mount, "grpc_code": "OK", "le": "+Inf"]) == 5)
                #expect(Self.sample(text, "keyvault_request_count", ["object_type": "key", "result": "ok"]) ?? 0 >= 2)
                #expect(Self.sample(text, "keyvault_request_count", ["object_type": "secret", "result": "not_found"]) == 1)
                #expect(Self.sample(text, "keyvault_request_count", ["object_type": "secret", "result": "forbidden"]) == 1)
                #expect(Self.sample(text, "token_requests_total", ["mode": "service_principal"]) == 2, "one token per identity")
                #expect(Self.sample(text, "cache_requests_total", ["cache": "identity", "result": "hit"]) ?? 0 >= 5)
                #expect(Self.sample(text, "singleflight_joins_total") ?? 0 >= 3, "4 concurrent mounts of 2 objects join")
                // Labels never carry an object name, a vault name or an error text.
                for needle in ["secret1", "key1", "nothing", Sample.vaultName, "AADSTS", "Forbidden", "Key Vault"] {
                    let labelled = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: "}").first ?? "") }
                    #expect(!labelled.contains { $0.contains(needle) }, "a label holds \(needle)")
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}
