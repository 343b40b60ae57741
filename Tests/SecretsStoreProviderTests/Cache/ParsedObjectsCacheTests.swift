import Testing
@testable import SecretsStoreProvider

/// The same `objects` text is parsed and validated once; a bad one is never cached.
@Suite struct ParsedObjectsCacheTests {
    static func request(_ objects: String) -> MountRequest {
        MountRequest(parameters: [
            "keyvaultName": "kv", "tenantID": "t", "objects": objects,
            "csi.storage.k8s.io/pod.name": "p", "csi.storage.k8s.io/pod.namespace": "n",
        ], secrets: ["clientid": "c", "clientsecret": "s"])
    }

    @Test func sameTextIsValidatedOnce() throws {
        let cache = ParsedObjectsCache()
        let text = "array:\n  - |\n    objectName: a\n    objectType: secret\n  - |\n    objectName: b\n    objectType: key"
        let first = try ProviderParameters(validating: Self.request(text), objectsCache: cache)
        let second = try ProviderParameters(validating: Self.request(text), objectsCache: cache)
        let uncached = try ProviderParameters(validating: Self.request(text))
        #expect(cache.count == 1)
        #expect(first.objects.map(\.source) == second.objects.map(\.source))
        #expect(first.objects.map(\.source) == uncached.objects.map(\.source))
    }

    @Test func badTextIsNotCachedAndFailsEachTime() {
        let cache = ParsedObjectsCache()
        let bad = "array:\n  - |\n    objectName: a\n    objectType: blob"
        for _ in 0..<2 {
            #expect(throws: SecretsStoreProviderError.self) { try ProviderParameters(validating: Self.request(bad), objectsCache: cache) }
        }
        #expect(cache.count == 0)
    }
}
