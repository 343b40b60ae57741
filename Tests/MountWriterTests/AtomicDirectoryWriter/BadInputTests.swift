// Bad input: every invalid form gives a clear error and leaves the previous projection untouched.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Bad input leaves the previous projection intact")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var extra: [String: ProjectedFile]
        var policy: AtomicDirectoryWriter.PathPolicy
        var expected: MountWriterError.Code
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty", extra: ["": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .emptyPath),
        Case(name: "absolute", extra: ["/etc/passwd": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .absolutePath),
        Case(name: "too long", extra: [String(repeating: "a/", count: 2048) + "a": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .pathTooLong),
        Case(name: "too deep", extra: [String(repeating: "a/", count: 64) + "f": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .pathTooDeep),
        Case(name: "too deep once cleaned", extra: [String(repeating: "a//", count: 64) + "f": ProjectedFile(utf8: "x")], policy: .clean, expected: .pathTooDeep),
        Case(name: "component too long", extra: ["d/" + String(repeating: "c", count: 256): ProjectedFile(utf8: "x")], policy: .requireClean, expected: .componentTooLong),
        Case(name: "doubledot", extra: ["a/../../escape": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .parentDirectoryReference),
        Case(name: "reserved ..data", extra: ["..data": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .reservedName),
        Case(name: "reserved ..sneaky", extra: ["..sneaky/x": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .reservedName),
        Case(name: "reserved once cleaned", extra: ["./..data": ProjectedFile(utf8: "x")], policy: .clean, expected: .reservedName),
        Case(name: "double slash", extra: ["a//b": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .uncleanPath),
        Case(name: "dot component", extra: ["./b": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .uncleanPath),
        Case(name: "trailing slash", extra: ["b/": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .uncleanPath),
        Case(name: "only a dot", extra: [".": ProjectedFile(utf8: "x")], policy: .clean, expected: .emptyPath),
        Case(name: "NUL byte", extra: ["a\u{0}b": ProjectedFile(utf8: "x")], policy: .requireClean, expected: .invalidCharacter),
        Case(
            name: "duplicate after cleaning",
            extra: ["x/y": ProjectedFile(utf8: "1"), "x//y": ProjectedFile(utf8: "2")], policy: .clean, expected: .duplicatePath),
        Case(
            name: "file where a directory must go",
            extra: ["f": ProjectedFile(utf8: "1"), "f/g": ProjectedFile(utf8: "2")], policy: .requireClean,
            expected: .fileWhereDirectoryMustGo),
        Case(name: "invalid mode", extra: ["m": ProjectedFile(utf8: "x", mode: 0o20000)], policy: .requireClean, expected: .invalidMode),
    ]

    static let existing = payload(["keep.txt": "kept", "dir/nested.txt": "kept too"], mode: 0o640)

    struct Snapshot: Equatable {
        var projection: [String: ProjectedFile]
        var visible: [String: ProjectedFile]
        var data: DataDirectoryIdentity
        var entries: [String]

        init(_ target: String) throws {
            projection = try AtomicDirectoryWriter(targetDirectory: target).readProjection()
            visible = try volumeContents(target)
            data = try DataDirectoryIdentity(target)
            entries = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        }
    }

    @Test("Each invalid form", arguments: cases)
    func invalid(_ testCase: Case) throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(pathPolicy: testCase.policy))
            try writer.write(Self.existing)
            let before = try Snapshot(directory.path)
            var attempt = payload(["keep.txt": "changed", "new.txt": "new"])
            attempt.merge(testCase.extra) { $1 }
            let error = try #require(throws: MountWriterError.self) { try writer.write(attempt) }
            #expect(error.code == testCase.expected, "\(error)")
            #expect(testCase.extra.keys.contains(error.path), "the error names the offending path: \(error)")
            #expect(error.description.hasPrefix("invalid path"), "\(error)")
            #expect(try Snapshot(directory.path) == before)
            #expect(before.projection == Self.existing)
        }
    }

    @Test("A target that is a regular file is rejected")
    func targetIsAFile() throws {
        try TestDirectory.with { directory throws in
            let file = directory.sub("file")
            #expect(FileManager.default.createFile(atPath: file, contents: Data("not a dir".utf8)))
            let error = try #require(throws: MountWriterError.self) {
                try AtomicDirectoryWriter(targetDirectory: file).write(payload(["a": "1"]))
            }
            #expect(error.code == .targetNotDirectory)
            #expect(error.errno == ENOTDIR)
            #expect(error.description.contains("not a directory"))
            #expect(FileManager.default.contents(atPath: file) == Data("not a dir".utf8))
        }
    }

    /// Whether ``makeReadOnly(_:)`` gives a directory this process cannot create entries in, tried once on a scratch
    /// directory (as root it takes `chattr`, `CAP_LINUX_IMMUTABLE` and a file system with the immutable flag).
    static let readOnlyTargetIsPossible: Bool = (try? TestDirectory.with { directory in
        let probe = try directory.makeSub("probe")
        guard try makeReadOnly(probe) else { return false }
        defer { try? makeWritable(probe) }
        return mkdir(probe + "/entry", 0o755) != 0
    }) ?? false

    /// A target the writer cannot modify. Tests usually run as root, which ignores permission bits, so the
    /// directory is made immutable (`chattr +i`, which stops root too) when possible; as another user,
    /// `chmod 0555` is used. If neither makes the directory read-only for this process, the test is skipped.
    @Test(
        "A read-only target: a clear error, the previous projection intact",
        .enabled(
            if: BadInputTests.readOnlyTargetIsPossible,
            "cannot make a read-only target: running as root without chattr, CAP_LINUX_IMMUTABLE or a file system with the immutable flag"
        )
    )
    func readOnlyTarget() throws {
        try TestDirectory.with { directory throws in
            let target = try directory.makeSub("target")
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            try writer.write(Self.existing)
            let before = try Snapshot(target)
            try #require(try Self.makeReadOnly(target), "the probe made a read-only directory, this target must be one too")
            defer { try? Self.makeWritable(target) }
            let error = try #require(throws: MountWriterError.self) {
                try writer.write(payload(["keep.txt": "changed"]))
            }
            #expect(error.code == .fileSystemFailure)
            #expect(error.operation == "mkdirat")
            #expect(error.errno == EPERM || error.errno == EACCES)
            #expect(error.path.hasPrefix(target + "/.."))
            try Self.makeWritable(target)
            #expect(try Snapshot(target) == before)
            #expect(try writer.write(payload(["keep.txt": "changed"])).changed, "works again once writable")
        }
    }

    static func makeReadOnly(_ path: String) throws -> Bool {
        if geteuid() != 0 { return chmod(path, 0o555) == 0 }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") else { return false }
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/chattr"), arguments: ["+i", path])
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static func makeWritable(_ path: String) throws {
        if geteuid() != 0 {
            chmod(path, 0o755)
            return
        }
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/chattr"), arguments: ["-i", path])
        process.waitUntilExit()
    }
}
