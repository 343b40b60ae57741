// bench-library: the library in one process, warm, as a client of an emulator that runs in another process
// (Benchmarks/compare.sh starts it). Not a test fixture: it links no emulator, only the provider, as a Swift service
// that imports SecretsStoreProvider would.
//
//   bench-library --env-file ENV --vault NAME --vault-url URL --tenant T --client-id ID --client-secret S \
//                 --count N [--mounts M] [--concurrency C] [--prefix bench-] --target DIR
//
// Builds one provider (the same configuration as `akv-mount mount`: CommandSupport.withProviderConfiguration),
// warms it with one mount of C objects (the token, the challenge and C connections are then there), and times M
// concurrent mounts of N / M distinct secrets each (`<prefix>0000`, ...), each into a folder of its own under DIR. The
// mounts share the provider, and so its per-vault limiter, as the mounts of one CSI provider process do.
//
// Prints one line: `library <N> <seconds> fetch=<slowest mount's fetch seconds> write=<slowest mount's write seconds>
// files=<files written>`.

import CommandSupport
import Foundation
import Logging
import SecretsStoreProvider

struct Arguments {
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw CommandError("bench-library: expected --name value pairs, got \(key)")
            }
            values[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func string(_ name: String, default fallback: String? = nil) throws -> String {
        guard let value = values[name] ?? fallback else { throw CommandError("bench-library: --\(name) is required") }
        return value
    }

    func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            guard let fallback else { throw CommandError("bench-library: --\(name) is required") }
            return fallback
        }
        guard let value = Int(text), value >= 1 else { throw CommandError("bench-library: --\(name) \(text): expected a positive whole number") }
        return value
    }
}

/// `KEY=value` lines (values optionally single-quoted), as `akv-emulator serve --env-file` writes them.
func readEnvironment(_ path: String) throws -> [String: String] {
    var environment: [String: String] = [:]
    for line in try CommandSupport.readText(path, what: "--env-file").split(separator: "\n") where !line.hasPrefix("#") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        var value = String(line[line.index(after: equals)...])
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
        environment[String(line[..<equals])] = value
    }
    return environment
}

func request(names: ArraySlice<String>, vault: String, tenant: String, clientID: String, secret: String) -> MountRequest {
    let objects = names.map { "  - |\n    objectName: \($0)\n    objectType: secret" }.joined(separator: "\n")
    return MountRequest(
        parameters: [
            "keyvaultName": vault, "tenantID": tenant, "objects": "array:\n" + objects,
            "csi.storage.k8s.io/pod.name": "bench-library", "csi.storage.k8s.io/pod.namespace": "default",
        ],
        secrets: ["clientid": clientID, "clientsecret": secret]
    )
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let environment = try readEnvironment(try arguments.string("env-file"))
    let vault = try arguments.string("vault")
    let tenant = try arguments.string("tenant")
    let clientID = try arguments.string("client-id")
    let secret = try arguments.string("client-secret")
    let count = try arguments.int("count")
    let mounts = try arguments.int("mounts", default: 1)
    let concurrency = try arguments.int("concurrency", default: 16)
    let prefix = try arguments.string("prefix", default: "bench-")
    let target = try arguments.string("target")
    let names = (0..<count).map { String(format: "\(prefix)%04d", $0) }
    let logger = Logger(label: "bench-library", factory: { _ in SwiftLogNoOpLogHandler() })

    let line = try await CommandSupport.withProviderConfiguration(
        environment: environment, caBundle: nil, vaultURLs: ["\(vault)=\(try arguments.string("vault-url"))"],
        verifyChallengeResource: false, concurrency: concurrency, logger: logger
    ) { configuration in
        let provider = KeyVaultProvider(configuration: configuration)
        // Warm: token, challenge and `concurrency` connections.
        let warm = request(names: names.prefix(concurrency), vault: vault, tenant: tenant, clientID: clientID, secret: secret)
        _ = try await provider.mount(warm, into: target + "/warm")

        let clock = ContinuousClock()
        let started = clock.now
        let slice = (count + mounts - 1) / mounts
        let timings = try await withThrowingTaskGroup(of: (Duration, Duration, Int).self) { group in
            for index in 0..<mounts {
                let part = names[min(count, index * slice)..<min(count, (index + 1) * slice)]
                let mountRequest = request(names: part, vault: vault, tenant: tenant, clientID: clientID, secret: secret)
                group.addTask {
                    let begin = clock.now
                    let result = try await provider.fetch(mountRequest)
                    let fetched = clock.now
                    _ = try provider.write(result, into: target + "/mount-\(index)")
                    return (fetched - begin, clock.now - fetched, result.files.count)
                }
            }
            var all: [(Duration, Duration, Int)] = []
            for try await timing in group { all.append(timing) }
            return all
        }
        let total = clock.now - started
        let fetch = timings.map(\.0).max() ?? .zero
        let write = timings.map(\.1).max() ?? .zero
        let files = timings.map(\.2).reduce(0, +)
        return String(format: "library %d %.3f fetch=%.3f write=%.3f files=%d", count, seconds(total), seconds(fetch), seconds(write), files)
    }
    print(line)
} catch {
    CommandSupport.standardError("bench-library: \(CommandSupport.message(of: error))")
    exit(1)
}
