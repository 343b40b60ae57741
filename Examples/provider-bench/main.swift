// provider-bench: mount speed, request economy and memory of KeyVaultProvider against the emulators.
//
// Usage: swift run -c release provider-bench
//
// Everything runs on loopback: AzureEmulators(.sample) plus N seeded 1 KiB secrets, with a fixed latency L added
// to every Key Vault request. Prints figures and ratios; asserts nothing.
//
// 1. Token time: a one-object mount on a fresh provider minus the same mount repeated (median of 3), i.e. the
//    challenge round trip plus the token exchange.
// 2. Mount speed for N objects at concurrency C on a fresh provider (cold: challenge + token + fetches) and
//    repeated on the same provider (warm: fetches only), against the design's bound
//    token time + ceil(N / C) x L (cold) and ceil(N / C) x L (warm). A good implementation is near 1. The same
//    mount timed with L = 0 (the "floor": loopback CPU cost the bound leaves out) gives an adjusted ratio.
// 3. Request economy over R rotation rounds with nothing changed, against the Go provider's model (a new
//    credential and client per mount, sequential fetches: N GETs + 1 challenge + 1 token per round), with and
//    without K objects pinned to a version.
// 4. Token requests per identity when mounts of three identities share one provider.
// 5. Peak RSS (VmHWM) of the process (the emulators run in the same process).

import BenchSupport
import AzureCore
import Foundation
import KeyVaultTesting
import Logging
import SecretsStoreProvider

let latency: Duration = .milliseconds(20)
let objectCounts = [50, 200]
let concurrencies = [1, 8, 16]
let rounds = 5
let valueBytes = 1024

let clock = ContinuousClock()
let benchStart = clock.now
let quiet = Logger(label: "provider-bench", factory: { _ in SwiftLogNoOpLogHandler() })
let latencyMs = Format.milliseconds(latency)

func median(_ values: [Duration]) -> Duration {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

let harness = try await BenchHarness.start(logger: quiet, count: objectCounts.max() ?? 200, valueBytes: valueBytes)
var transports: [AsyncHTTPClientTransport] = []

do {
    await harness.setKeyVaultLatency(latency)
    print("provider-bench: \(harness.names.count) secrets of \(valueBytes) B, Key Vault latency L = \(Format.ms(latency)) ms, identity: service principal unless stated")
    print("")

    let pool8 = try harness.makeTransport(connectionsPerHost: 8)
    transports.append(pool8)
    let pool16 = try harness.makeTransport(connectionsPerHost: 16)
    transports.append(pool16)

    // Open each transport's connections once (TLS handshakes are not part of the bound).
    for (transport, width) in [(pool8, 8), (pool16, 16)] {
        let warmUp = harness.makeProvider(transport: transport, concurrency: width)
        _ = try await warmUp.fetch(try harness.request(harness.objects(count: width * 4)))
    }

    // 1. Token time.
    var tokenSamples: [Duration] = []
    var coldOne = RequestCounts()
    for _ in 0..<3 {
        let provider = harness.makeProvider(transport: pool8, concurrency: 1)
        let request = try harness.request(harness.objects(count: 1))
        let cold = try await MountMeasurement.run(provider, request, into: harness.directory(UUID().uuidString.lowercased()), harness: harness)
        let warm = try await MountMeasurement.run(provider, request, into: harness.directory(UUID().uuidString.lowercased()), harness: harness)
        tokenSamples.append(cold.fetch - warm.fetch)
        coldOne = cold.requests
    }
    let tokenTime = median(tokenSamples)
    let tokenMs = Format.milliseconds(tokenTime)
    print("token time (cold 1-object mount - warm 1-object mount, median of 3): \(Format.ms(tokenTime)) ms"
        + " = challenge round trip (>= L) + token exchange (~\(Format.fixed(max(0, tokenMs - latencyMs), 1)) ms);"
        + " requests of the cold 1-object mount: Key Vault \(coldOne.keyVault) (\(coldOne.challenges) x 401), token \(coldOne.tokens)")
    print("")

    // 2. Mount speed. Before each case, the same mount is timed warm with L = 0 ("floor"): what the requests cost
    // on loopback without latency (client and emulator CPU on the same shared cores, TLS records, JWT checks),
    // which the bound leaves out. adj = fetch / (bound + floor).
    var speed = TextTable(
        "mount speed (fresh provider: cold = challenge + token + fetches; same provider again: warm)",
        headers: [
            "N", "C", "pool", "phase", "fetch ms", "write ms", "mount ms", "bound ms", "ratio", "fetch/bound", "floor ms",
            "adj", "KV req", "401s", "tokens",
        ]
    )
    for count in objectCounts {
        let request = try harness.request(harness.objects(count: count))
        var cases: [(Int, AsyncHTTPClientTransport, Int)] = concurrencies.map { ($0, pool8, 8) }
        cases.append((16, pool16, 16))
        for (concurrency, transport, pool) in cases {
            await harness.setKeyVaultLatency(nil)
            let floorProvider = harness.makeProvider(transport: transport, concurrency: concurrency)
            let floorDirectory = harness.directory(UUID().uuidString.lowercased())
            _ = try await MountMeasurement.run(floorProvider, request, into: floorDirectory, harness: harness)
            let floor = try await MountMeasurement.run(floorProvider, request, into: floorDirectory, harness: harness)
            let floorMs = Format.milliseconds(floor.fetch)
            await harness.setKeyVaultLatency(latency)

            let provider = harness.makeProvider(transport: transport, concurrency: concurrency)
            let directory = harness.directory(UUID().uuidString.lowercased())
            let cold = try await MountMeasurement.run(provider, request, into: directory, harness: harness)
            let warm = try await MountMeasurement.run(provider, request, into: directory, harness: harness)
            let waves = Double(ceilDiv(count, concurrency)) * latencyMs
            for (phase, measurement, bound) in [("cold", cold, tokenMs + waves), ("warm", warm, waves)] {
                let mountMs = Format.milliseconds(measurement.mount)
                let fetchMs = Format.milliseconds(measurement.fetch)
                speed.add([
                    "\(count)", "\(concurrency)", "\(pool)", phase, Format.fixed(fetchMs, 1), Format.ms(measurement.write),
                    Format.fixed(mountMs, 1), Format.fixed(bound, 1), Format.fixed(mountMs / bound, 2),
                    Format.fixed(fetchMs / bound, 2), Format.fixed(floorMs, 1), Format.fixed(fetchMs / (bound + floorMs), 2),
                    "\(measurement.requests.keyVault)", "\(measurement.requests.challenges)", "\(measurement.requests.tokens)",
                ])
            }
        }
    }
    print(speed.render())
    print("bound = token time + ceil(N/C) x L (cold), ceil(N/C) x L (warm); ratio = mount / bound; pool = the transport's HTTP/1")
    print("connections per host; floor = warm fetch of the same mount with L = 0; adj = fetch / (bound + floor)")
    print("")

    // 3. Economy over rotation rounds.
    let economyCount = objectCounts.max() ?? 200
    let pinnedCount = economyCount / 2
    var economy = TextTable(
        "rotation rounds with nothing changed (N = \(economyCount), C = 8; Go model: new credential per mount, sequential GETs)",
        headers: ["case", "round", "KV req", "401s", "tokens", "Go KV req", "Go tokens", "mount ms", "Go-model ms", "changed"]
    )
    let goRoundMs = Double(economyCount + 1) * latencyMs + max(0, tokenMs - latencyMs)
    for (label, pinned) in [("none pinned", 0), ("\(pinnedCount) pinned", pinnedCount)] {
        let provider = harness.makeProvider(transport: pool8, concurrency: 8)
        let request = try harness.request(harness.objects(count: economyCount, pinned: pinned))
        let directory = harness.directory(UUID().uuidString.lowercased())
        var totals = RequestCounts()
        for round in 0...rounds {
            let measurement = try await MountMeasurement.run(provider, request, into: directory, harness: harness)
            if round > 0 { totals = RequestCounts(
                keyVault: totals.keyVault + measurement.requests.keyVault,
                challenges: totals.challenges + measurement.requests.challenges,
                entraTokens: totals.entraTokens + measurement.requests.entraTokens,
                imdsTokens: totals.imdsTokens + measurement.requests.imdsTokens
            ) }
            economy.add([
                label, round == 0 ? "mount" : "\(round)", "\(measurement.requests.keyVault)", "\(measurement.requests.challenges)",
                "\(measurement.requests.tokens)", "\(economyCount + 1)", "1", Format.ms(measurement.mount),
                Format.fixed(goRoundMs, 1), measurement.changed ? "yes" : "no",
            ])
        }
        economy.add([
            label, "sum 1-\(rounds)", "\(totals.keyVault)", "\(totals.challenges)", "\(totals.tokens)",
            "\((economyCount + 1) * rounds)", "\(rounds)", "", Format.fixed(goRoundMs * Double(rounds), 1), "",
        ])
    }
    print(economy.render())
    print("Go model per round: N GETs + 1 challenge (401) + 1 token exchange, sequential: (N + 1) x L + exchange")
    print("")

    // 4. Token requests per identity on one provider.
    var identities = TextTable(
        "identities sharing one provider (N = 50, C = 8, each identity mounted twice)",
        headers: ["identity", "phase", "KV req", "401s", "Entra tokens", "IMDS tokens", "mount ms"]
    )
    let shared = harness.makeProvider(transport: pool8, concurrency: 8)
    var identityTotal = RequestCounts()
    for identity in [BenchHarness.Identity.servicePrincipal, .workload, .userAssigned] {
        let directory = harness.directory(UUID().uuidString.lowercased())
        for phase in ["first", "second"] {
            let request = try harness.request(harness.objects(count: 50), identity: identity)
            let measurement = try await MountMeasurement.run(shared, request, into: directory, harness: harness)
            identityTotal.entraTokens += measurement.requests.entraTokens
            identityTotal.imdsTokens += measurement.requests.imdsTokens
            identities.add([
                identity.rawValue, phase, "\(measurement.requests.keyVault)", "\(measurement.requests.challenges)",
                "\(measurement.requests.entraTokens)", "\(measurement.requests.imdsTokens)", Format.ms(measurement.mount),
            ])
        }
    }
    print(identities.render())
    print("token requests in total: \(identityTotal.tokens) for 3 identities")
    print("")

    // 5. Memory.
    let peak = PeakMemory.peakResidentKiB.map { Format.fixed(Double($0) / 1024, 1) + " MiB" } ?? "n/a"
    let resident = PeakMemory.residentKiB.map { Format.fixed(Double($0) / 1024, 1) + " MiB" } ?? "n/a"
    print("memory: peak RSS (VmHWM) \(peak), current RSS \(resident) (emulators and benchmark in the same process)")
    print("total run time: \(Format.fixed(Format.milliseconds(clock.now - benchStart) / 1000, 1)) s")
} catch {
    print("provider-bench failed: \(error)")
}

for transport in transports { try? await transport.shutdown() }
await harness.stop()
