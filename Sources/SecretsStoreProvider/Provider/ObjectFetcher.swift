import KeyVaultCore
import Logging

/// Fetches every object of a mount through a ``KeyVaultObjectReader``: concurrently with a bound, resolving
/// version history (exactly N files, newest first, disabled versions skipped), sharing fetches and cached contents
/// with the other mounts of the same identity scope (``SharedObjectStore``), and failing as a whole when any object
/// fails.
struct ObjectFetcher: Sendable {
    /// The store shared by the provider's mounts, and this mount's identity scope in it.
    struct Shared: Sendable {
        var store: SharedObjectStore
        var scope: String
    }

    var reader: any KeyVaultObjectReader
    var maxConcurrentRequests: Int
    var shared: Shared?
    var vaultName: String
    var writeCertAndKeyInSeparateFiles: Bool = false
    var logger: Logger

    /// One unit of work: a file path fetched from one (object, version).
    struct Job: Sendable {
        var order: Int
        var object: ValidatedKeyVaultObject
        var path: String
        var version: String?
        var historyIndex: Int?
    }

    func fetch(_ objects: [ValidatedKeyVaultObject], defaultMode: UInt32) async throws -> MountResult {
        // Resolve version lists first (one list call per history object, concurrently).
        var jobs: [Job] = []
        try await withThrowingTaskGroup(of: [Job].self) { group in
            var order = 0
            for object in objects {
                let base = order
                order += max(1, Int(object.source.objectVersionHistory))
                if object.source.isSingleVersion {
                    let version = object.source.objectVersion
                    jobs.append(Job(order: base, object: object, path: object.source.fileName, version: version.isEmpty ? nil : version))
                } else {
                    group.addTask { try await historyJobs(for: object, order: base) }
                }
            }
            for try await batch in group { jobs.append(contentsOf: batch) }
        }
        jobs.sort { $0.order < $1.order }

        // Fetch with at most `maxConcurrentRequests` in flight.
        var results: [(Job, KeyVaultObjectContent)] = []
        try await withThrowingTaskGroup(of: (Job, KeyVaultObjectContent).self) { group in
            var iterator = jobs.makeIterator()
            func startNext() -> Bool {
                guard let job = iterator.next() else { return false }
                group.addTask { (job, try await content(for: job)) }
                return true
            }
            var inFlight = 0
            while inFlight < max(1, maxConcurrentRequests), startNext() { inFlight += 1 }
            while let finished = try await group.next() {
                results.append(finished)
                _ = startNext()
            }
        }
        results.sort { $0.0.order < $1.0.order }
        var files: [MountedFile] = []
        var versions: [String: String] = [:]
        var paths: Set<String> = []
        for (job, content) in results {
            let mode = job.object.fileMode ?? defaultMode
            var produced: [MountedFile] = []
            if writeCertAndKeyInSeparateFiles, content.isCertificatePEM {
                // The Go provider's order: `<file>.crt`, `<file>.key`, then `<file>`.
                let split: (certificates: [UInt8], key: [UInt8])
                do {
                    split = try ObjectConverter.splitCertificatesAndKey(content.contents)
                } catch {
                    throw SecretsStoreProviderError(
                        .conversionFailed,
                        "failed to split objectName:\(job.object.source.objectName) into certificate and key files: \(error)",
                        objectIndex: job.object.index, underlying: error
                    )
                }
                produced.append(MountedFile(path: job.path + ".crt", mode: mode, contents: split.certificates))
                produced.append(MountedFile(path: job.path + ".key", mode: mode, contents: split.key))
            }
            produced.append(MountedFile(path: job.path, mode: mode, contents: content.contents))
            for file in produced {
                guard paths.insert(file.path).inserted else {
                    throw SecretsStoreProviderError(
                        .duplicateFile,
                        "objects[\(job.object.index)] (objectName:\(job.object.source.objectName)) writes \(file.path), which another object also writes",
                        objectIndex: job.object.index
                    )
                }
            }
            files.append(contentsOf: produced)
            versions[job.object.versionID(historyIndex: job.historyIndex)] = content.version
        }
        return MountResult(files: files, objectVersions: versions)
    }

    private func content(for job: Job) async throws -> KeyVaultObjectContent {
        let reader = self.reader
        let fetch: @Sendable () async throws -> KeyVaultObjectContent = {
            do {
                return try await reader.content(of: job.object, version: job.version)
            } catch let error as SecretsStoreProviderError {
                throw error
            } catch {
                throw SecretsStoreProviderError(
                    .fetchFailed,
                    "failed to get objectType:\(job.object.source.objectType), objectName:\(job.object.source.objectName), objectVersion:\(job.version ?? ""): \(error)",
                    objectIndex: job.object.index,
                    underlying: error
                )
            }
        }
        guard let shared else { return try await fetch() }
        let key = SharedObjectStore.Key(scope: shared.scope, vault: vaultName, object: job.object, version: job.version ?? "")
        let value = try await shared.store.value(for: key, pinned: job.version != nil) { .content(try await fetch()) }
        guard case .content(let content) = value else { return try await fetch() }
        if job.version != nil { logger.trace("object served", metadata: ["object": "\(job.object.source.objectName)"]) }
        return content
    }

    private func historyJobs(for object: ValidatedKeyVaultObject, order: Int) async throws -> [Job] {
        let reader = self.reader
        let list: @Sendable () async throws -> [KeyVaultObjectVersion] = {
            do {
                return try await reader.versions(of: object)
            } catch let error as SecretsStoreProviderError {
                throw error
            } catch {
                throw SecretsStoreProviderError(
                    .fetchFailed,
                    "failed to list versions of objectType:\(object.source.objectType), objectName:\(object.source.objectName): \(error) (objectVersionHistory needs the list permission)",
                    objectIndex: object.index,
                    underlying: error
                )
            }
        }
        let listed: [KeyVaultObjectVersion]
        if let shared {
            let key = SharedObjectStore.Key(scope: shared.scope, vault: vaultName, object: object, version: "", listsVersions: true)
            guard case .versions(let versions) = try await shared.store.value(for: key, pinned: false, fetch: { .versions(try await list()) }) else {
                return []
            }
            listed = versions
        } else {
            listed = try await list()
        }
        let selected = try VersionHistory.select(
            from: listed, startingAt: object.source.objectVersion, count: Int(object.source.objectVersionHistory), object: object
        )
        return selected.enumerated().map { index, version in
            Job(order: order + index, object: object, path: "\(object.source.fileName)/\(index)", version: version, historyIndex: index)
        }
    }
}
