// The wait for another writer's lock is bounded by Options.lockTimeout and stops when the caller is cancelled.

import Foundation
import MountWriter
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("The lock wait is bounded and cancellable", .timeLimit(.minutes(1)))
struct LockWaitTests {
    static let existing = payload(["keep.txt": "kept", "dir/nested.txt": "kept too"])
    static let replacement = payload(["new.txt": "new"])

    /// Holds an exclusive `flock` on `path` (as any process that can open the target can) until `body` returns.
    static func holdingLock<R>(on path: String, _ body: () throws -> R) throws -> R {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(flock(fd, LOCK_EX) == 0)
        return try body()
    }

    @Test("A held lock makes write and readProjection fail after lockTimeout with an error naming the target")
    func heldLockTimesOut() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(
                targetDirectory: directory.path, options: .init(lockTimeout: .milliseconds(300)))
            try writer.write(Self.existing)
            let data = try DataDirectoryIdentity(directory.path)
            try Self.holdingLock(on: directory.path) {
                let clock = ContinuousClock()
                let start = clock.now
                let error = try #require(throws: MountWriterError.self) { try writer.write(Self.replacement) }
                let elapsed = start.duration(to: clock.now)
                #expect(error.code == .lockTimeout, "\(error)")
                #expect(error.path == directory.path)
                #expect(error.description.contains("another process"), "\(error)")
                #expect(error.description.contains("0.3 s"), "\(error)")
                #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2), "took \(elapsed)")

                let readError = try #require(throws: MountWriterError.self) { try writer.readProjection() }
                #expect(readError.code == .lockTimeout, "\(readError)")

                let immediate = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(lockTimeout: .zero))
                #expect(throws: MountWriterError.self) { try immediate.write(Self.replacement) }
            }
            #expect(try volumeContents(directory.path) == Self.existing)
            #expect(try DataDirectoryIdentity(directory.path) == data)
            #expect(try writer.write(Self.replacement).changed, "the write succeeds once the lock is free")
        }
    }

    @Test("A cancelled task's write stops waiting within a second, with no timeout set")
    func cancelledTaskReturnsPromptly() async throws {
        let directory = try TestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(lockTimeout: nil))
        try writer.write(Self.existing)
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(flock(fd, LOCK_EX) == 0)

        let task = Task.detached { () -> MountWriterError? in
            do throws(MountWriterError) {
                try writer.write(Self.replacement)
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let error = await task.value
        let elapsed = start.duration(to: clock.now)
        #expect(error?.code == .cancelled, "\(String(describing: error))")
        #expect(error?.path == directory.path)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        flock(fd, LOCK_UN)
        #expect(try volumeContents(directory.path) == Self.existing)
    }

    @Test("write(_:isCancelled:) stops waiting when the closure says so, from any thread")
    func cancellationClosure() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(lockTimeout: nil))
            try writer.write(Self.existing)
            try Self.holdingLock(on: directory.path) {
                let asked = Mutex(0)
                let error = try #require(throws: MountWriterError.self) {
                    try writer.write(Self.replacement, isCancelled: { asked.withLock { $0 += 1; return $0 >= 3 } })
                }
                #expect(error.code == .cancelled, "\(error)")
                #expect(asked.withLock { $0 } == 3)
                let readError = try #require(throws: MountWriterError.self) {
                    try writer.readProjection(includingOwners: false, isCancelled: { true })
                }
                #expect(readError.code == .cancelled, "\(readError)")
            }
            #expect(try volumeContents(directory.path) == Self.existing)
            // A free lock is taken at once: cancellation is only asked while waiting. (A fresh target: on this one
            // the abandoned helper thread of the cancelled wait may hold the lock for a moment after it is freed.)
            try TestDirectory.with { fresh throws in
                #expect(try AtomicDirectoryWriter(targetDirectory: fresh.path).write(Self.replacement, isCancelled: { true }).changed)
            }
        }
    }
}
