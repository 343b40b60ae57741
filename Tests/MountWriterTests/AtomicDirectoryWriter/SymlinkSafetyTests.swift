// Symbolic links planted in the target directory are never followed to write, read or delete outside it.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Planted symbolic links")
struct SymlinkSafetyTests {
    /// A directory outside the target with a victim file, and a way to check it is untouched.
    struct Outside {
        let path: String

        init(_ directory: TestDirectory) throws {
            path = try directory.makeSub("outside")
            #expect(FileManager.default.createFile(atPath: path + "/victim.txt", contents: Data("victim".utf8)))
            _ = try directory.makeSub("outside/sub")
            #expect(FileManager.default.createFile(atPath: path + "/sub/deep.txt", contents: Data("deep".utf8)))
        }

        func expectUntouched(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let entries = try FileManager.default.subpathsOfDirectory(atPath: path).sorted()
            #expect(entries == ["sub", "sub/deep.txt", "victim.txt"], sourceLocation: sourceLocation)
            #expect(FileManager.default.contents(atPath: path + "/victim.txt") == Data("victim".utf8), sourceLocation: sourceLocation)
            #expect(FileManager.default.contents(atPath: path + "/sub/deep.txt") == Data("deep".utf8), sourceLocation: sourceLocation)
            #expect(try #require(lstatus(path + "/victim.txt")).st_mode & 0o7777 == 0o644, sourceLocation: sourceLocation)
        }
    }

    @Test("A planted user-visible link to a file or directory elsewhere is replaced, not followed")
    func plantedUserVisibleLinks() throws {
        try TestDirectory.with { directory throws in
            let outside = try Outside(directory)
            let target = try directory.makeSub("target")
            symlink(outside.path, target + "/conf")
            symlink(outside.path + "/victim.txt", target + "/victim.txt")
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            let files = payload(["conf/sub/deep.txt": "mine", "conf/victim.txt": "mine", "victim.txt": "mine"], mode: 0o600)
            let result = try writer.write(files)
            #expect(result.changedLinks == ["conf", "victim.txt"])
            #expect(readLink(target + "/conf") == "..data/conf")
            #expect(readLink(target + "/victim.txt") == "..data/victim.txt")
            #expect(try volumeContents(target) == files)
            try outside.expectUntouched()
            // Planted again after a write: the next (unchanged) write repairs it.
            unlink(target + "/conf")
            symlink(outside.path, target + "/conf")
            let again = try writer.write(files)
            #expect(!again.changed)
            #expect(again.changedLinks == ["conf"])
            try outside.expectUntouched()
        }
    }

    @Test("A ..data link pointing outside the target is never followed: not read, not deleted, replaced", arguments: [
        "absolute", "relative-parent", "data-name-that-is-a-link",
    ])
    func plantedDataLink(_ kind: String) throws {
        try TestDirectory.with { directory throws in
            let outside = try Outside(directory)
            let target = try directory.makeSub("target")
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            try writer.write(payload(["victim.txt": "mine"]))
            let old = try #require(readLink(target + "/..data"))
            unlink(target + "/..data")
            switch kind {
            case "absolute":
                symlink(outside.path, target + "/..data")
            case "relative-parent":
                symlink("../outside", target + "/..data")
            default:
                // A name of the data-directory shape that is itself a link to the outside directory.
                symlink(outside.path, target + "/..2020_01_01_00_00_00.1")
                symlink("..2020_01_01_00_00_00.1", target + "/..data")
            }
            #expect(try writer.readProjection().isEmpty, "readProjection does not follow ..data outside")
            let files = payload(["victim.txt": "mine", "sub/deep.txt": "mine"])
            let result = try writer.write(files)
            #expect(result.changed)
            #expect(result.added == files.keys.sorted())
            #expect(readLink(target + "/..data") == result.dataDirectory)
            #expect(result.removedLeftovers.contains(old))
            #expect(try volumeContents(target) == files)
            try outside.expectUntouched()
            #expect(try reservedEntries(target) == ["..data", result.dataDirectory].sorted())
        }
    }

    @Test("A real directory planted at ..data is replaced")
    func plantedDataDirectory() throws {
        try TestDirectory.with { directory throws in
            _ = try directory.makeSub("..data/x")
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let files = payload(["x": "1"])
            let result = try writer.write(files)
            #expect(readLink(directory.sub("..data")) == result.dataDirectory)
            #expect(try volumeContents(directory.path) == files)
        }
    }

    @Test("A planted ..data_tmp link to elsewhere is removed, not followed")
    func plantedStagingLink() throws {
        try TestDirectory.with { directory throws in
            let outside = try Outside(directory)
            let target = try directory.makeSub("target")
            symlink(outside.path, target + "/..data_tmp")
            let result = try AtomicDirectoryWriter(targetDirectory: target).write(payload(["a": "1"]))
            #expect(result.removedLeftovers == ["..data_tmp"])
            try outside.expectUntouched()
        }
    }

    @Test("Entries with names that are not UTF-8 inside the data directory are removed with it")
    func nonUTF8Names() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let files = payload(["dir/a": "1"])
            try writer.write(files)
            let data = directory.path + "/" + (try #require(readLink(directory.sub("..data"))))
            // "dir/bad\xff" and "dir/sub\xfe/x"
            let badFile: [CChar] = Array((data + "/dir/bad").utf8CString.dropLast()) + [CChar(bitPattern: 0xff), 0]
            let fd = open(badFile, O_WRONLY | O_CREAT, 0o644)
            #expect(fd >= 0)
            close(fd)
            let badDir: [CChar] = Array((data + "/dir/sub").utf8CString.dropLast()) + [CChar(bitPattern: 0xfe), 0]
            #expect(mkdir(badDir, 0o755) == 0)
            let result = try writer.write(files)
            #expect(result.changed)
            #expect(lstatus(data) == nil, "old data directory, with its odd names, deleted")
            #expect(try volumeContents(directory.path) == files)
        }
    }

    @Test("Links planted inside the data directory are not followed, and force a clean rewrite")
    func plantedInsideData() throws {
        try TestDirectory.with { directory throws in
            let outside = try Outside(directory)
            let target = try directory.makeSub("target")
            let writer = AtomicDirectoryWriter(targetDirectory: target)
            let files = payload(["dir/a": "1", "b": "2"])
            try writer.write(files)
            let data = target + "/" + (try #require(readLink(target + "/..data")))
            symlink(outside.path, data + "/dir/evil")  // not in the payload
            #expect(try writer.readProjection() == files, "skipped, not followed")
            let result = try writer.write(files)
            #expect(result.changed, "a foreign entry in the data directory forces a rewrite")
            #expect(lstatus(data) == nil, "old data directory deleted without following the link")
            try outside.expectUntouched()
            #expect(try volumeContents(target) == files)

            // A payload file replaced by a link to elsewhere is rewritten as a file.
            let data2 = target + "/" + (try #require(readLink(target + "/..data")))
            unlink(data2 + "/b")
            symlink(outside.path + "/victim.txt", data2 + "/b")
            let fixed = try writer.write(files)
            #expect(fixed.updated == ["b"])
            try outside.expectUntouched()
            #expect(try volumeContents(target) == files)
        }
    }
}
