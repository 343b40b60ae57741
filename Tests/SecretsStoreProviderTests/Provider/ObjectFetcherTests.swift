import KeyVaultCore
import Foundation
import Logging
import Synchronization
import Testing
@testable import SecretsStoreProvider

/// A reader over an in-memory vault that records what it was asked and how many requests ran at once.
final class RecordingReader: KeyVaultObjectReader, Sendable {
    struct Version: Sendable { var id: String; var value: String; var enabled: Bool; var created: Date }
    let store: Mutex<[String: [Version]]>
    let stats = Mutex<(inFlight: Int, maxInFlight: Int, contentCalls: [String], listCalls: Int)>((0, 0, [], 0))
    let delay: Duration
    let failing: Set<String>

    init(_ objects: [String: [Version]], delay: Duration = .milliseconds(5), failing: Set<String> = []) {
        store = Mutex(objects)
        self.delay = delay
        self.failing = failing
    }

    func content(of object: ValidatedKeyVaultObject, version: String?) async throws -> KeyVaultObjectContent {
        stats.withLock { $0.inFlight += 1; $0.maxInFlight = max($0.maxInFlight, $0.inFlight); $0.contentCalls.append("\(object.source.objectName)@\(version ?? "")") }
        defer { stats.withLock { $0.inFlight -= 1 } }
        try await Task.sleep(for: delay)
        if failing.contains(object.source.objectName) { throw CocoaError(.fileReadUnknown) }
        let versions = store.withLock { $0[object.source.objectName] ?? [] }
        let chosen = version.map { v in versions.first { $0.id == v } } ?? versions.filter(\.enabled).max { $0.created < $1.created }
        guard let chosen else { throw CocoaError(.fileNoSuchFile) }
        return KeyVaultObjectContent(contents: Array(chosen.value.utf8), version: chosen.id)
    }

    func versions(of object: ValidatedKeyVaultObject) async throws -> [KeyVaultObjectVersion] {
        stats.withLock { $0.listCalls += 1 }
        return store.withLock { $0[object.source.objectName] ?? [] }.map {
            KeyVaultObjectVersion(
                id: "https://kv.vault.test/secrets/\(object.source.objectName)/\($0.id)",
                attributes: KeyVaultObjectAttributes(enabled: $0.enabled, created: $0.created))
        }
    }
}

@Suite struct ObjectFetcherTests {
    static func objects(_ yaml: [String]) throws -> [ValidatedKeyVaultObject] {
        try KeyVaultObjectTests.validate(yaml)
    }

    static func versions(_ count: Int, disabled: Set<Int> = []) -> [RecordingReader.Version] {
        (0..<count).map { i in
            .init(id: "v\(i)", value: "value-\(i)", enabled: !disabled.contains(i), created: Date(timeIntervalSince1970: Double(1000 + i)))
        }
    }

    static func fetcher(_ reader: RecordingReader, concurrency: Int = 8, cache: SharedObjectStore? = nil) -> ObjectFetcher {
        ObjectFetcher(
            reader: reader, maxConcurrentRequests: concurrency,
            shared: cache.map { ObjectFetcher.Shared(store: $0, scope: "identity|proof") }, vaultName: "kv", logger: Logger(label: "test")
        )
    }

    @Test func historyWritesExactlyNNewestFirstSkippingDisabled() async throws {
        // 5 versions, v3 disabled: enabled newest-first = v4, v2, v1, v0. N = 3 -> v4, v2, v1 (the Go provider gives 4).
        let reader = RecordingReader(["s": Self.versions(5, disabled: [3])])
        let result = try await Self.fetcher(reader).fetch(try Self.objects(["objectName: s\nobjectType: secret\nobjectVersionHistory: 3"]), defaultMode: 0o644)
        #expect(result.files.map(\.path) == ["s/0", "s/1", "s/2"])
        #expect(result.files.map { String(decoding: $0.contents, as: UTF8.self) } == ["value-4", "value-2", "value-1"])
        #expect(result.objectVersions == ["secret/s/0": "v4", "secret/s/1": "v2", "secret/s/2": "v1"])
    }

    @Test func historyStartsAtTheGivenVersionAndFailsWhenItIsMissing() async throws {
        let reader = RecordingReader(["s": Self.versions(4)])
        let result = try await Self.fetcher(reader).fetch(try Self.objects(["objectName: s\nobjectType: secret\nobjectVersion: v2\nobjectVersionHistory: 5"]), defaultMode: 0o644)
        #expect(result.objectVersions == ["secret/s/0": "v2", "secret/s/1": "v1", "secret/s/2": "v0"])
        let latest = try await Self.fetcher(reader).fetch(try Self.objects(["objectName: s\nobjectType: secret\nobjectVersion: latest\nobjectVersionHistory: 2"]), defaultMode: 0o644)
        #expect(latest.objectVersions == ["secret/s/0": "v3", "secret/s/1": "v2"])
        await #expect(throws: SecretsStoreProviderError.self) {
            try await Self.fetcher(reader).fetch(try Self.objects(["objectName: s\nobjectType: secret\nobjectVersion: nope\nobjectVersionHistory: 2"]), defaultMode: 0o644)
        }
    }

    @Test func concurrencyIsBoundedAndOrderIsKept() async throws {
        var store: [String: [RecordingReader.Version]] = [:]
        var yaml: [String] = []
        for i in 0..<20 {
            store["o\(i)"] = Self.versions(1)
            yaml.append("objectName: o\(i)\nobjectType: secret")
        }
        let reader = RecordingReader(store, delay: .milliseconds(20))
        let result = try await Self.fetcher(reader, concurrency: 4).fetch(try Self.objects(yaml), defaultMode: 0o600)
        #expect(result.files.map(\.path) == (0..<20).map { "o\($0)" })
        #expect(result.files.allSatisfy { $0.mode == 0o600 })
        let maxInFlight = reader.stats.withLock { $0.maxInFlight }
        #expect(maxInFlight <= 4)
        #expect(maxInFlight >= 2, "requests should overlap")
    }

    @Test func oneFailingObjectFailsTheWholeMountWithItsName() async throws {
        let reader = RecordingReader(["a": Self.versions(1), "b": Self.versions(1)], failing: ["b"])
        do {
            _ = try await Self.fetcher(reader).fetch(try Self.objects(["objectName: a\nobjectType: secret", "objectName: b\nobjectType: key"]), defaultMode: 0o644)
            Issue.record("expected a failure")
        } catch let error as SecretsStoreProviderError {
            #expect(error.code == .fetchFailed)
            #expect(error.message.hasPrefix("failed to get objectType:key, objectName:b, objectVersion:"))
            #expect(error.objectIndex == 1)
        }
    }

    @Test func pinnedVersionsAreFetchedOnce() async throws {
        let reader = RecordingReader(["p": Self.versions(3), "q": Self.versions(2)])
        let cache = SharedObjectStore(limits: .init(), freshness: .zero, metrics: .disabled)
        let objects = try Self.objects(["objectName: p\nobjectType: secret\nobjectVersion: v1", "objectName: q\nobjectType: secret"])
        let first = try await Self.fetcher(reader, cache: cache).fetch(objects, defaultMode: 0o644)
        let second = try await Self.fetcher(reader, cache: cache).fetch(objects, defaultMode: 0o644)
        #expect(first == second)
        let calls = reader.stats.withLock { $0.contentCalls }
        #expect(calls.filter { $0 == "p@v1" }.count == 1)
        #expect(calls.filter { $0 == "q@" }.count == 2)
    }

    @Test func filePermissionOverridesTheDefaultMode() async throws {
        let reader = RecordingReader(["a": Self.versions(1)])
        let result = try await Self.fetcher(reader).fetch(try Self.objects(["objectName: a\nobjectType: secret\nfilePermission: \"0440\""]), defaultMode: 0o644)
        #expect(result.files.first?.mode == 0o440)
    }

    @Test func rotationPolicyBacksOff() {
        let policy = RotationPolicy(interval: .seconds(10), maximumBackoff: .seconds(60))
        #expect(policy.delay(afterConsecutiveFailures: 0) == .seconds(10))
        #expect(policy.delay(afterConsecutiveFailures: 1) == .seconds(20))
        #expect(policy.delay(afterConsecutiveFailures: 2) == .seconds(40))
        #expect(policy.delay(afterConsecutiveFailures: 3) == .seconds(60))
        #expect(policy.delay(afterConsecutiveFailures: 50) == .seconds(60))
    }
}
