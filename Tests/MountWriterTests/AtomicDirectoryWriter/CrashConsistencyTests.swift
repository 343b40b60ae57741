// Crash consistency: a child process writing two payloads in turn is killed with SIGKILL at random moments.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Crash consistency")
struct CrashConsistencyTests {
    /// Two payloads with the same top-level names (so that every top-level link exists in both), differing in
    /// contents, modes, nested files present in only one, and a large-ish file, so that a write takes a while.
    static let payloadA: [String: ProjectedFile] = {
        var files: [String: ProjectedFile] = [
            "app.conf": ProjectedFile(utf8: "generation=A\n", mode: 0o644),
            "tls/cert.pem": ProjectedFile(utf8: "-----CERT A-----\n", mode: 0o644),
            "tls/key.pem": ProjectedFile(utf8: "-----KEY A-----\n", mode: 0o600),
            "deep/1/2/3/only-in-a.txt": ProjectedFile(utf8: "a", mode: 0o640),
            "blob.bin": ProjectedFile(contents: [UInt8](repeating: 0xA, count: 256 * 1024), mode: 0o444),
        ]
        for index in 0..<40 {
            files["many/file-\(index)"] = ProjectedFile(utf8: "A-\(index)", mode: 0o644)
        }
        return files
    }()

    static let payloadB: [String: ProjectedFile] = {
        var files: [String: ProjectedFile] = [
            "app.conf": ProjectedFile(utf8: "generation=B, longer\n", mode: 0o640),
            "tls/cert.pem": ProjectedFile(utf8: "-----CERT B-----\n", mode: 0o644),
            "tls/ca.pem": ProjectedFile(utf8: "-----CA B-----\n", mode: 0o644),
            "deep/only-in-b.txt": ProjectedFile(utf8: "b", mode: 0o600),
            "blob.bin": ProjectedFile(contents: [UInt8](repeating: 0xB, count: 200 * 1024), mode: 0o444),
        ]
        for index in 0..<40 {
            files["many/file-\(index)"] = ProjectedFile(utf8: "B-\(index)!", mode: 0o600)
        }
        return files
    }()

    @Test("SIGKILL at 200+ random moments: a reader sees all of A or all of B, and the next write succeeds")
    func killedWriter() throws {
        let child = try CrashChild.executable()
        try TestDirectory.with { directory throws in
            let target = try directory.makeSub("target")
            let payloads = directory.sub("payloads.json")
            try CrashChild.writePayloads([Self.payloadA, Self.payloadB], to: payloads)
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            try writer.write(Self.payloadA)

            // How long one write takes here (debug builds and loaded machines are slow): the kill delay spans a few.
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<6 { try writer.write(index.isMultiple(of: 2) ? Self.payloadB : Self.payloadA) }
            let period = (clock.now - start) / 6
            let micros = Double(period.components.seconds) * 1e6 + Double(period.components.attoseconds) / 1e12
            let writePeriod = UInt32(max(1000, min(20_000, micros)))
            var generator = SystemRandomNumberGenerator()
            // Past 200 kills, keep going (up to a time limit) only until both payloads have been seen.
            let deadline = Date().addingTimeInterval(50)
            var kills = 0
            var sawA = 0
            var sawB = 0
            var leftoverKills = 0
            while kills < 200 || (kills < 1000 && Date() < deadline && (sawA == 0 || sawB == 0)) {
                let before = readLink(target + "/..data")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: child)
                process.arguments = ["loop", target, payloads]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Wait until the child has published at least one write (so it is in its loop), then let it run a
                // random while longer, spanning several writes, so the kill lands at any point of a write.
                let waitLimit = Date().addingTimeInterval(5)
                while readLink(target + "/..data") == before && Date() < waitLimit && process.isRunning {
                    usleep(200)
                }
                usleep(UInt32.random(in: 0...(writePeriod * 3), using: &generator))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal, "the child stopped by itself: it failed")
                kills += 1

                let seen = try volumeContents(target)
                if seen == Self.payloadA {
                    sawA += 1
                } else if seen == Self.payloadB {
                    sawB += 1
                } else {
                    Issue.record("after kill \(kills) the directory shows neither A nor B: \(seen.keys.sorted())")
                    return
                }
                let next = seen == Self.payloadA ? Self.payloadB : Self.payloadA
                let result = try writer.write(next)
                if !result.removedLeftovers.isEmpty { leftoverKills += 1 }
                #expect(try volumeContents(target) == next)
                #expect(try reservedEntries(target) == ["..data", result.dataDirectory].sorted())
            }
            print("crash test: write period \(writePeriod) µs, \(kills) kills, saw A \(sawA) times, B \(sawB) times, leftovers cleaned after \(leftoverKills) kills")
            #expect(kills >= 200)
            #expect(sawA > 0 && sawB > 0, "kills always landed on the same payload")
            #expect(leftoverKills > 0, "no kill interrupted a write in progress")
        }
    }

    @Test("A stale ..data_tmp and orphaned data directories are removed by the next write, even a no-op one")
    func leftoversCleaned() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let files = payload(["a": "1", "b/c": "2"])
            let first = try writer.write(files)
            let orphan = try directory.makeSub("..2020_01_01_00_00_00.123456789")
            #expect(FileManager.default.createFile(atPath: orphan + "/partial", contents: Data("x".utf8)))
            _ = try directory.makeSub("..2020_01_01_00_00_01.42/nested")
            symlink("..2020_01_01_00_00_00.123456789", directory.sub("..data_tmp"))
            symlink("..data/a", directory.sub("..link_tmp.77"))
            let result = try writer.write(files)
            #expect(!result.changed)
            #expect(result.dataDirectory == first.dataDirectory)
            #expect(result.removedLeftovers == ["..2020_01_01_00_00_00.123456789", "..2020_01_01_00_00_01.42", "..data_tmp", "..link_tmp.77"])
            #expect(try reservedEntries(directory.path) == ["..data", first.dataDirectory].sorted())
            // And with a change, too.
            symlink("..nowhere", directory.sub("..data_tmp"))
            let changed = try writer.write(payload(["a": "2"]))
            #expect(changed.changed)
            #expect(changed.removedLeftovers == ["..data_tmp"])
            #expect(try volumeContents(directory.path) == payload(["a": "2"]))
        }
    }

    @Test("A write that fails while filling the new data directory leaves the old projection and no leftover")
    func failureMidway() throws {
        try TestDirectory.with { directory throws in
            let target = try directory.makeSub("target")
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            let old = payload(["a": "old", "d/e": "old"])
            try writer.write(old)
            let before = try DataDirectoryIdentity(target)
            let big: [String: ProjectedFile] = [
                "a": ProjectedFile(utf8: "new"), "d/e": ProjectedFile(utf8: "new"),
                "z-large": ProjectedFile(contents: [UInt8](repeating: 1, count: 64 * 1024)),
            ]
            let payloads = directory.sub("payloads.json")
            try CrashChild.writePayloads([big], to: payloads)
            // RLIMIT_FSIZE makes the large file's write fail with EFBIG, even for root.
            let run = try CrashChild.run(["once", target, payloads, "0", "--file-size-limit", "4096"])
            #expect(run.status == 1, "\(run.output)")
            #expect(run.output.contains("fileSystemFailure"), "\(run.output)")
            #expect(run.output.contains("write"), "\(run.output)")
            #expect(try DataDirectoryIdentity(target) == before)
            #expect(try writer.readProjection() == old)
            #expect(try volumeContents(target) == old)
            #expect(try reservedEntries(target) == ["..data", before.name].sorted(), "the partial directory was removed")
        }
    }
}
