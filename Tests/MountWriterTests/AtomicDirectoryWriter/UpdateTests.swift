// The Kubernetes TestUpdate and TestMultipleUpdates cases; "no update" cases really perform the second write.

import Foundation
import MountWriter
import Testing

@Suite("Updates (Kubernetes TestUpdate, TestMultipleUpdates)")
struct UpdateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var first: [String: ProjectedFile]
        var next: [String: ProjectedFile]
        var shouldWrite: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "update",
            first: payload(["foo": "foo", "bar": "bar"]),
            next: ["foo": ProjectedFile(utf8: "foo2", mode: 0o644), "bar": ProjectedFile(utf8: "bar2", mode: 0o640)],
            shouldWrite: true),
        Case(name: "no update", first: payload(["foo": "foo", "bar": "bar"]), next: payload(["foo": "foo", "bar": "bar"]), shouldWrite: false),
        Case(
            name: "no update 2",
            first: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            shouldWrite: false),
        Case(
            name: "add 1",
            first: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar", "blu/zip.txt": "zip"]),
            shouldWrite: true),
        Case(
            name: "add 2",
            first: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar", "blu/two/2/3/4/5/zip.txt": "zip"]),
            shouldWrite: true),
        Case(
            name: "add 3",
            first: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar", "bar/2/3/4/5/zip.txt": "zip"]),
            shouldWrite: true),
        Case(
            name: "delete 1",
            first: payload(["foo/bar.txt": "foo", "bar/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo"]),
            shouldWrite: true),
        Case(
            name: "delete 2",
            first: payload(["foo/bar.txt": "foo", "bar/1/2/3/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo"]),
            shouldWrite: true),
        Case(
            name: "delete 3",
            first: payload(["foo/bar.txt": "foo", "bar/1/2/sip.txt": "sip", "bar/1/2/3/zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/1/2/sip.txt": "sip"]),
            shouldWrite: true),
        Case(
            name: "delete 4",
            first: payload(["foo/bar.txt": "foo", "bar/1/2/sip.txt": "sip", "bar/1/2/3/4/5/6zab.txt": "bar"]),
            next: payload(["foo/bar.txt": "foo", "bar/1/2/sip.txt": "sip"]),
            shouldWrite: true),
        Case(
            name: "delete all",
            first: payload(["foo/bar.txt": "foo", "bar/1/2/sip.txt": "sip", "bar/1/2/3/4/5/6zab.txt": "bar"]),
            next: [:],
            shouldWrite: true),
        Case(
            name: "add and delete 1",
            first: payload(["foo/bar.txt": "foo"]),
            next: payload(["bar/baz.txt": "baz"]),
            shouldWrite: true),
    ]

    @Test("Kubernetes cases", arguments: cases)
    func update(_ testCase: Case) throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(testCase.first)
            #expect(try volumeContents(directory.path) == testCase.first)
            let before = try DataDirectoryIdentity(directory.path)
            let result = try writer.write(testCase.next)
            #expect(result.changed == testCase.shouldWrite, "\(testCase.name)")
            #expect(try volumeContents(directory.path) == testCase.next)
            let after = try DataDirectoryIdentity(directory.path)
            if testCase.shouldWrite {
                #expect(after != before)
                #expect(lstatus(directory.sub(before.name)) == nil, "old data directory deleted")
                let firstKeys = Set(testCase.first.keys)
                let nextKeys = Set(testCase.next.keys)
                #expect(result.added == nextKeys.subtracting(firstKeys).sorted())
                #expect(result.removed == firstKeys.subtracting(nextKeys).sorted())
                #expect(result.updated == firstKeys.intersection(nextKeys).filter { testCase.first[$0] != testCase.next[$0] }.sorted())
                // Links of removed top-level names are gone.
                let nextTop = Set(nextKeys.map { String($0.split(separator: "/")[0]) })
                for name in Set(firstKeys.map { String($0.split(separator: "/")[0]) }).subtracting(nextTop) {
                    #expect(lstatus(directory.sub(name)) == nil, "link \(name) removed")
                }
            } else {
                #expect(after == before, "no new data directory, no swap")
                #expect(result.dataDirectory == before.name)
                #expect(result.added.isEmpty && result.updated.isEmpty && result.removed.isEmpty)
            }
            #expect(try reservedEntries(directory.path) == ["..data", after.name].sorted())
        }
    }

    static let sequences: [(String, [[String: ProjectedFile]])] = [
        ("update 1", [
            payload(["foo": "foo", "bar": "bar"]),
            payload(["foo": "foo2", "bar": "bar2"], mode: 0o400),
            payload(["foo": "foo3", "bar": "bar3"], mode: 0o600),
        ]),
        ("update 2", [
            payload(["foo/bar.txt": "foo/bar", "bar/zab.txt": "bar/zab.txt"]),
            ["foo/bar.txt": ProjectedFile(utf8: "foo/bar2"), "bar/zab.txt": ProjectedFile(utf8: "bar/zab.txt2", mode: 0o400)],
        ]),
        ("clear sentinel", [
            payload(["foo": "foo", "bar": "bar"]),
            payload(["foo": "foo2", "bar": "bar2"]),
            payload(["foo": "foo3", "bar": "bar3"]),
            payload(["foo": "foo4", "bar": "bar4"]),
        ]),
        ("subdirectories 2", [
            payload(["foo/bar.txt": "a", "bar/zab.txt": "b", "foo/blaz/bar.txt": "c", "bar/zib/zab.txt": "d"]),
            payload(["foo/bar.txt": "a2", "bar/zab.txt": "b2", "foo/blaz/bar.txt": "c2", "bar/zib/zab.txt": "d2"]),
        ]),
        ("add 2", [
            payload(["foo/bar.txt": "a", "bar/zab.txt": "b", "foo/blaz/bar.txt": "c", "bar/zib/zab.txt": "d", "bar/zib/zib/zab.txt": "e"]),
            payload([
                "foo/bar.txt": "a", "bar/zab.txt": "b", "foo/blaz/bar.txt": "c", "bar/zib/zab.txt": "d", "bar/zib/zib/zab.txt": "e",
                "add/new/keys2.txt": "f", "add/new/keys3.txt": "g",
            ]),
        ]),
        ("remove 1", [
            payload(["foo/bar.txt": "a", "bar/zab.txt": "b", "foo/blaz/bar.txt": "c", "zip/zap/zup/fop.txt": "d"]),
            payload(["foo/bar.txt": "a2", "bar/zab.txt": "b2"]),
            payload(["foo/bar.txt": "a3"]),
        ]),
    ]

    @Test("Multiple updates", arguments: sequences.indices)
    func multipleUpdates(_ index: Int) throws {
        let (name, sequence) = Self.sequences[index]
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            for (step, files) in sequence.enumerated() {
                let result = try writer.write(files)
                #expect(result.changed, "\(name) step \(step)")
                #expect(try volumeContents(directory.path) == files, "\(name) step \(step)")
                #expect(try writer.readProjection() == files)
                #expect(try reservedEntries(directory.path).count == 2, "only ..data and one data directory")
            }
        }
    }

    @Test("Multiple updates with unclean keys (Kubernetes \"add 1\", clean policy)")
    func multipleUpdatesUnclean() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(pathPolicy: .clean))
            try writer.write(payload(["foo/bar.txt": "a", "bar//zab.txt": "b", "foo/blaz/bar.txt": "c", "bar/zib////zib/zab.txt": "d"]))
            #expect(try volumeContents(directory.path) == payload(["foo/bar.txt": "a", "bar/zab.txt": "b", "foo/blaz/bar.txt": "c", "bar/zib/zib/zab.txt": "d"]))
            let next = payload(["foo/bar.txt": "a2", "bar/zab.txt": "b2", "foo/blaz/bar.txt": "c2", "bar/zib/zib/zab.txt": "d2", "add/new/keys.txt": "e"])
            let result = try writer.write(next)
            #expect(result.added == ["add/new/keys.txt"])
            #expect(try volumeContents(directory.path) == next)
        }
    }

    @Test("A mode-only change is applied (unlike the Kubernetes writer)")
    func modeOnlyChange() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(payload(["a.txt": "same", "d/b.txt": "same"], mode: 0o644))
            let before = try DataDirectoryIdentity(directory.path)
            let result = try writer.write(["a.txt": ProjectedFile(utf8: "same", mode: 0o600), "d/b.txt": ProjectedFile(utf8: "same", mode: 0o644)])
            #expect(result.changed)
            #expect(result.updated == ["a.txt"])
            #expect(try DataDirectoryIdentity(directory.path) != before)
            #expect(try #require(status(directory.sub("a.txt"))).st_mode & 0o7777 == 0o600)
        }
    }

    @Test("A content change of the same size is detected")
    func sameSizeChange() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(payload(["a": "abcd"]))
            let result = try writer.write(payload(["a": "abce"]))
            #expect(result.updated == ["a"])
            #expect(try writer.readProjection() == payload(["a": "abce"]))
        }
    }

    @Test("Data written by the Kubernetes writer is taken over without a rewrite when it matches")
    func takesOverKubernetesLayout() throws {
        try TestDirectory.with { directory throws in
            // The layout the Go writer leaves: a 10-digit MkdirTemp suffix, 0755 data dir, links.
            let dataName = "..2021_09_27_08_17_18.3114856258"
            let data = try directory.makeSub(dataName)
            chmod(data, 0o755)
            try Data("v".utf8).write(to: URL(fileURLWithPath: data + "/foo"))
            chmod(data + "/foo", 0o644)
            symlink(dataName, directory.sub("..data"))
            symlink("..data/foo", directory.sub("foo"))
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let result = try writer.write(payload(["foo": "v"]))
            #expect(!result.changed)
            #expect(result.dataDirectory == dataName)
            #expect(try writer.write(payload(["foo": "w"])).changed)
            #expect(lstatus(data) == nil)
        }
    }
}

@Suite("Reuse of unchanged files")
struct ReuseTests {
    func inode(_ path: String) throws -> UInt64 {
        UInt64(try #require(status(path)).st_ino)
    }

    @Test("Unchanged files are hard-linked into the new data directory; changed ones are new inodes")
    func reuse() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(payload(["same.txt": "1", "d/same": "2", "d/changes": "3"]))
            let sameBefore = try inode(directory.sub("same.txt"))
            let nestedBefore = try inode(directory.sub("d/same"))
            let changingBefore = try inode(directory.sub("d/changes"))
            let result = try writer.write(payload(["same.txt": "1", "d/same": "2", "d/changes": "3!"]))
            #expect(result.updated == ["d/changes"])
            #expect(try inode(directory.sub("same.txt")) == sameBefore)
            #expect(try inode(directory.sub("d/same")) == nestedBefore)
            #expect(try inode(directory.sub("d/changes")) != changingBefore)
            #expect(try #require(status(directory.sub("same.txt"))).st_nlink == 1, "the old data directory is gone")
            #expect(try volumeContents(directory.path) == payload(["same.txt": "1", "d/same": "2", "d/changes": "3!"]))
        }
    }

    @Test("A file linked elsewhere, or reuse switched off, is written afresh")
    func noReuse() throws {
        try TestDirectory.with { directory throws in
            let files = payload(["a": "1", "b": "2"])
            let off = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(reusesUnchangedFiles: false))
            try off.write(files)
            let before = try inode(directory.sub("a"))
            try off.write(payload(["a": "1", "b": "3"]))
            #expect(try inode(directory.sub("a")) != before)

            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let data = directory.sub(try #require(readLink(directory.sub("..data"))))
            #expect(link(data + "/a", directory.sub("outside-link")) == 0)
            let linked = try inode(directory.sub("a"))
            try writer.write(payload(["a": "1", "b": "4"]))
            #expect(try inode(directory.sub("a")) != linked, "a file with another link is not reused")
            #expect(FileManager.default.contents(atPath: directory.sub("outside-link")) == Data("1".utf8))
        }
    }
}
