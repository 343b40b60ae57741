// mountwriter-bench: times AtomicDirectoryWriter against `cp -r` of the same tree on the same disk.
//
// Usage: swift run -c release mountwriter-bench [--rounds N] [--dir PATH] [--profile-unchanged N]
//
// --profile-unchanged N: only project the 1,000 x 1 KiB payload (100 x 1 MiB if MOUNTWRITER_BENCH_LARGE is
// set) once and repeat the unchanged write N times (for running under a profiler such as `perf record`).
//
// For each scenario (1,000 files of 1 KiB; 100 files of 1 MiB) and each round:
//   cp -r     a tree of plain files materialised from the same payload is copied with /bin/cp -r (fresh dest)
//   first     the payload is projected into an empty directory
//   unchanged the same payload is written again (a no-op: compare only)
//   update    10% of the files get new contents
// `sync()` runs (untimed) before every timed step so that writeback of one step does not bill the next.
// Medians are printed with the ratios the design asks for: first / cp -r <= 1.5, unchanged / first <= 0.25.

import Foundation
import MountWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Scenario {
    var name: String
    var fileCount: Int
    var fileSize: Int
}

func makePayload(_ scenario: Scenario, generation: Int, changedFraction: Double = 1) -> [String: ProjectedFile] {
    var generator = SplitMix(seed: UInt64(scenario.fileCount * 31 + scenario.fileSize))
    var files: [String: ProjectedFile] = [:]
    let changedCount = Int((Double(scenario.fileCount) * changedFraction).rounded())
    for index in 0..<scenario.fileCount {
        var bytes = [UInt8](repeating: 0, count: scenario.fileSize)
        bytes.withUnsafeMutableBytes { buffer in
            let words = buffer.bindMemory(to: UInt64.self)
            for word in words.indices { words[word] = generator.next() }
        }
        if index < changedCount && generation > 0 {
            bytes[0] = UInt8(truncatingIfNeeded: generation)
            bytes[bytes.count - 1] ^= 0xff
        }
        files["group-\(index % 10)/file-\(index).dat"] = ProjectedFile(contents: bytes, mode: 0o644)
    }
    return files
}

/// A small deterministic generator for file contents (not cryptographic).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func materialise(_ files: [String: ProjectedFile], at root: String) throws {
    for (path, file) in files {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.contents).write(to: url)
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    sync()
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func copyTree(_ source: String, _ destination: String) throws {
    let process = try Process.run(URL(fileURLWithPath: "/bin/cp"), arguments: ["-r", source, destination])
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
}

func remove(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

var rounds = 5
var baseDirectory: String?
var profileUnchanged = 0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--rounds": rounds = Int(arguments.popFirst() ?? "") ?? rounds
    case "--dir": baseDirectory = arguments.popFirst()
    case "--profile-unchanged": profileUnchanged = Int(arguments.popFirst() ?? "") ?? 100
    default:
        print("usage: mountwriter-bench [--rounds N] [--dir PATH] [--profile-unchanged N]")
        exit(2)
    }
}

var template = Array(((baseDirectory ?? "/tmp") + "/mountwriter-bench.XXXXXX").utf8CString)
guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
    print("cannot create a work directory")
    exit(1)
}
let work = String(cString: created)
defer { remove(work) }

if profileUnchanged > 0 {
    let large = ProcessInfo.processInfo.environment["MOUNTWRITER_BENCH_LARGE"] != nil
    let scenario = large ? Scenario(name: "100 x 1 MiB", fileCount: 100, fileSize: 1 << 20) : Scenario(name: "1000 x 1 KiB", fileCount: 1000, fileSize: 1024)
    let payload = makePayload(scenario, generation: 0)
    let writer = AtomicDirectoryWriter(targetDirectory: work)
    try writer.write(payload)
    let elapsed = try seconds {
        for _ in 0..<profileUnchanged { try writer.write(payload) }
    }
    print(String(format: "unchanged write: %.3f ms each", elapsed * 1000 / Double(profileUnchanged)))
    remove(work)
    exit(0)
}

print("mountwriter-bench: \(rounds) rounds, work directory \(work) (medians, milliseconds)")
let scenarios = [
    Scenario(name: "1000 x 1 KiB", fileCount: 1000, fileSize: 1024),
    Scenario(name: "100 x 1 MiB", fileCount: 100, fileSize: 1024 * 1024),
]
var allMet = true
for scenario in scenarios {
    let payload = makePayload(scenario, generation: 0)
    let updated = makePayload(scenario, generation: 1, changedFraction: 0.1)
    let source = work + "/source"
    try materialise(payload, at: source)
    var copy: [Double] = []
    var first: [Double] = []
    var unchanged: [Double] = []
    var update: [Double] = []
    for round in 0..<rounds {
        let destination = work + "/copy-\(round)"
        copy.append(try seconds { try copyTree(source, destination) })
        remove(destination)

        let target = work + "/target-\(round)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        let writer = AtomicDirectoryWriter(targetDirectory: target)
        var changed = [Bool]()
        first.append(try seconds { changed.append(try writer.write(payload).changed) })
        unchanged.append(try seconds { changed.append(try writer.write(payload).changed) })
        update.append(try seconds { changed.append(try writer.write(updated).changed) })
        guard changed == [true, false, true] else {
            print("unexpected change flags \(changed)")
            exit(1)
        }
        remove(target)
    }
    remove(source)
    let cp = median(copy)
    let firstMedian = median(first)
    let unchangedMedian = median(unchanged)
    let updateMedian = median(update)
    func ms(_ value: Double) -> String { String(format: "%8.2f", value * 1000) }
    func ratio(_ value: Double) -> String { String(format: "%5.2f", value) }
    let firstRatio = firstMedian / cp
    let unchangedRatio = unchangedMedian / firstMedian
    print("\n\(scenario.name)")
    print("  cp -r            \(ms(cp)) ms")
    print("  first write      \(ms(firstMedian)) ms   \(ratio(firstRatio)) x cp -r   (target <= 1.50)  \(firstRatio <= 1.5 ? "met" : "NOT MET")")
    print("  unchanged write  \(ms(unchangedMedian)) ms   \(ratio(unchangedMedian / cp)) x cp -r   \(ratio(unchangedRatio * 100))% of first (target < 25%)  \(unchangedRatio < 0.25 ? "met" : "NOT MET")")
    print("  update (10%)     \(ms(updateMedian)) ms   \(ratio(updateMedian / cp)) x cp -r   \(ratio(updateMedian / firstMedian * 100))% of first")
    allMet = allMet && firstRatio <= 1.5 && unchangedRatio < 0.25
}
print("\n" + (allMet ? "all targets met" : "some targets NOT met"))
