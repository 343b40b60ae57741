// Descriptor use is bounded whatever the payload's shape: the writer works under a low RLIMIT_NOFILE.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer under a soft `RLIMIT_NOFILE` of ``limit``, far below the 1,024 of a common container.
///
/// The limit is process-wide, so the tests run in a process of their own: `inAProcessOfItsOwn` starts the test
/// binary again with `MOUNTWRITER_FD_LIMIT_CHILD=1`, filtered to this suite, and the child lowers the limit before
/// each test. Before the descriptor bound, every one of these writes failed with `EMFILE` (one descriptor per
/// directory of the payload, per level of a walk and per level of a removal).
@Suite("Descriptor use is bounded", .serialized)
struct DescriptorBoundTests {
    /// The soft descriptor limit in the child (`MOUNTWRITER_FD_LIMIT` overrides it, for measuring).
    static let limit = rlim_t(ProcessInfo.processInfo.environment["MOUNTWRITER_FD_LIMIT"] ?? "") ?? 128
    /// Deeper than `limit` levels, and than the container limit of 1,024.
    static let deep = 1_100

    static let isChild = ProcessInfo.processInfo.environment["MOUNTWRITER_FD_LIMIT_CHILD"] == "1"

    static let childTests = [
        "threeThousandDirectories()", "deepPathIsRefusedBeforeAnythingIsTouched()",
        "deepLeftoversAreRemovedByTheNextWrite()", "deepForeignTreeInTheDataDirectoryIsReplaced()",
    ]

    @Test(.enabled(if: !isChild, "the tests themselves run in the child"))
    func inAProcessOfItsOwn() async throws {
        let binary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "the test binary is \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--testing-library", "swift-testing", "--filter", "DescriptorBoundTests"]
        var environment = ProcessInfo.processInfo.environment
        environment["MOUNTWRITER_FD_LIMIT_CHILD"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let (status, text): (Int32, String) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
        }
        #expect(status == 0, "\(text)")
        for name in Self.childTests {
            #expect(text.contains("\(name) passed"), "\(name) ran and passed in the child: \(text)")
        }
    }

    /// Lowers the soft descriptor limit of this (child) process.
    static func lowerLimit() throws {
        var limits = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0)
        limits.rlim_cur = limit
        try #require(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0, "setrlimit: errno \(errno)")
    }

    /// The number of descriptors this process has open.
    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Creates `name` in `directory` and `depth` levels of `a` below it, with a file at the bottom, holding one
    /// descriptor at a time.
    static func plantDeepTree(in directory: String, name: String, depth: Int) throws {
        var fd = open(directory, O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        for level in 0...depth {
            let component = level == 0 ? name : "a"
            try #require(mkdirat(fd, component, 0o755) == 0, "mkdirat at level \(level): errno \(errno)")
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            close(fd)
            try #require(next >= 0, "openat at level \(level): errno \(errno)")
            fd = next
        }
        let file = openat(fd, "bottom", O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(file >= 0)
        close(file)
        close(fd)
    }

    /// A payload of `count` files, each in a directory of its own.
    static func directories(_ count: Int, tag: String, changing: (Int) -> Bool = { _ in true }) -> [String: ProjectedFile] {
        var files: [String: ProjectedFile] = [:]
        for index in 0..<count {
            let name = "d" + String(String(index + 10_000).dropFirst())
            files[name + "/secret"] = ProjectedFile(utf8: changing(index) ? "\(tag)-\(index)" : "same-\(index)")
        }
        return files
    }

    @Test(.enabled(if: isChild, "runs in a process of its own, started by inAProcessOfItsOwn"))
    func threeThousandDirectories() throws {
        try Self.lowerLimit()
        try TestDirectory.with { directory throws in
            let before = Self.openDescriptors()
            let first = Self.directories(3_000, tag: "one", changing: { $0.isMultiple(of: 2) })
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            #expect(try writer.write(first).changed)
            #expect(try writer.readProjection() == first)
            let unchangedInode = try #require(lstatus(directory.path + "/..data/d2999/secret")).st_ino

            // Half changed, half hard-linked from the current data directory, synchronized to disk.
            let second = Self.directories(3_000, tag: "two", changing: { $0.isMultiple(of: 2) })
            let synchronizing = AtomicDirectoryWriter(
                targetDirectory: directory.path, options: .init(synchronizesToDisk: true))
            let result = try synchronizing.write(second)
            #expect(result.updated.count == 1_500)
            #expect(try volumeContents(directory.path) == second)
            #expect(
                try #require(lstatus(directory.path + "/..data/d2999/secret")).st_ino == unchangedInode,
                "an unchanged file is hard-linked from the previous data directory")
            #expect(try writer.write(second).changed == false)

            // Clean-up: the empty payload removes every file and the previous data directory.
            let cleared = try writer.write([:])
            #expect(cleared.removed.count == 3_000)
            #expect(try volumeContents(directory.path).isEmpty)
            #expect(try reservedEntries(directory.path).count == 2)
            #expect(Self.openDescriptors() == before, "no descriptor leaked")
        }
    }

    @Test(.enabled(if: isChild, "runs in a process of its own, started by inAProcessOfItsOwn"))
    func deepPathIsRefusedBeforeAnythingIsTouched() throws {
        try Self.lowerLimit()
        try TestDirectory.with { directory throws in
            let existing = payload(["keep.txt": "kept", "dir/nested.txt": "kept too"])
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(existing)
            let data = try DataDirectoryIdentity(directory.path)
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()

            let deepPath = String(repeating: "a/", count: Self.deep - 1) + "file"
            var attempt = existing
            attempt[deepPath] = ProjectedFile(utf8: "deep")
            let error = try #require(throws: MountWriterError.self) { try writer.write(attempt) }
            #expect(error.code == .pathTooDeep, "\(error)")
            #expect(error.path == deepPath)
            #expect(error.message.contains("\(Self.deep) components"), "\(error)")

            #expect(try volumeContents(directory.path) == existing)
            #expect(try DataDirectoryIdentity(directory.path) == data)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == entries)
        }
    }

    @Test(.enabled(if: isChild, "runs in a process of its own, started by inAProcessOfItsOwn"))
    func deepLeftoversAreRemovedByTheNextWrite() throws {
        try Self.lowerLimit()
        try TestDirectory.with { directory throws in
            let existing = payload(["keep.txt": "kept", "dir/nested.txt": "kept too"])
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(existing)
            // An orphaned data directory and a directory an interrupted removal had moved aside, 1,100 deep.
            let orphan = "..2020_01_01_00_00_00.1234"
            let movedAside = "..removing.1234"
            try Self.plantDeepTree(in: directory.path, name: orphan, depth: Self.deep)
            try Self.plantDeepTree(in: directory.path, name: movedAside, depth: Self.deep)

            let result = try writer.write(existing)
            #expect(result.changed == false)
            #expect(result.removedLeftovers == [orphan, movedAside].sorted())
            let reserved = try reservedEntries(directory.path)
            #expect(reserved.count == 2, "\(reserved)")
            #expect(try volumeContents(directory.path) == existing)
        }
    }

    @Test(.enabled(if: isChild, "runs in a process of its own, started by inAProcessOfItsOwn"))
    func deepForeignTreeInTheDataDirectoryIsReplaced() throws {
        try Self.lowerLimit()
        try TestDirectory.with { directory throws in
            let existing = payload(["keep.txt": "kept", "dir/nested.txt": "kept too"])
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(existing)
            let data = try DataDirectoryIdentity(directory.path)
            try Self.plantDeepTree(in: directory.sub(data.name), name: "dir2", depth: Self.deep)
            #expect(try writer.readProjection() == existing, "the read-back skips what is deeper than any payload")

            let result = try writer.write(existing)
            #expect(result.changed, "the planted tree makes the data directory differ")
            #expect(try DataDirectoryIdentity(directory.path).name != data.name)
            #expect(FileManager.default.fileExists(atPath: directory.sub(data.name)) == false)
            let reserved = try reservedEntries(directory.path)
            #expect(reserved.count == 2, "\(reserved)")
            #expect(try volumeContents(directory.path) == existing)
        }
    }
}
