// Writers on the same directory are serialized, in one process and across processes.

import Dispatch
import Foundation
import MountWriter
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Concurrent writers")
struct ConcurrencyTests {
    static func generation(_ tag: String, _ count: Int) -> [String: ProjectedFile] {
        var files: [String: ProjectedFile] = ["top": ProjectedFile(utf8: tag)]
        for index in 0..<count {
            files["d/\(index % 3)/f\(index)"] = ProjectedFile(utf8: "\(tag)-\(index)", mode: index.isMultiple(of: 2) ? 0o644 : 0o600)
        }
        return files
    }

    @Test("Two threads writing different payloads to one directory never fail and leave one complete payload")
    func twoThreads() throws {
        try TestDirectory.with { directory throws in
            let payloads = [Self.generation("X", 30), Self.generation("Y", 20), Self.generation("Z", 25)]
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
                for round in 0..<40 {
                    do {
                        try writer.write(payloads[(round + thread) % payloads.count])
                        let seen = try writer.readProjection()
                        if !payloads.contains(seen) { failures.withLock { $0.append("torn read in round \(round)") } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            let problems = failures.withLock { $0 }
            #expect(problems.isEmpty, "\(problems.count) failures, first: \(problems.prefix(3))")
            let final = try volumeContents(directory.path)
            #expect(payloads.contains(final))
            #expect(try reservedEntries(directory.path).count == 2)
        }
    }

    @Test("A writer in another process and one in this process never fail (flock across processes)")
    func twoProcesses() throws {
        try TestDirectory.with { directory throws in
            let target = try directory.makeSub("target")
            let payloadsFile = directory.sub("payloads.json")
            let childPayloads = [Self.generation("A", 25), Self.generation("B", 15)]
            try CrashChild.writePayloads(childPayloads, to: payloadsFile)
            let child = try CrashChild.start(["loop", target, payloadsFile])
            defer {
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()
            }
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            let mine = Self.generation("C", 10)
            var published = 0
            for _ in 0..<60 {
                let result = try writer.write(mine)
                if result.changed { published += 1 }
                #expect(result.removedLeftovers.isEmpty, "a leftover was seen while another writer was active")
                let seen = try writer.readProjection()
                #expect(seen == mine || childPayloads.contains(seen))
            }
            #expect(child.isRunning, "the child's writes kept succeeding (it exits on the first failure)")
            #expect(published > 0)
        }
    }
}
