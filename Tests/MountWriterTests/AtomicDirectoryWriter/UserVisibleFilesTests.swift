// The Kubernetes TestCreateUserVisibleFiles cases, link repair, and replacing entries left by other writers.

import Foundation
import Testing

@testable import MountWriter

@Suite("User-visible files (Kubernetes TestCreateUserVisibleFiles)")
struct UserVisibleFilesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var keys: [String]
        var expected: [String: String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "simple path", keys: ["foo", "bar"], expected: ["foo": "..data/foo", "bar": "..data/bar"]),
        Case(name: "simple nested path", keys: ["foo/bar", "foo/baz/txt", "bar/txt"], expected: ["foo": "..data/foo", "bar": "..data/bar"]),
        Case(name: "unclean nested path", keys: ["./bar", "foo///bar"], expected: ["bar": "..data/bar", "foo": "..data/foo"]),
    ]

    @Test("Kubernetes cases", arguments: cases)
    func createUserVisibleFiles(_ testCase: Case) throws {
        try TestDirectory.with { directory throws in
            _ = try directory.makeSub("..data")
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(pathPolicy: .clean))
            let input = Dictionary(uniqueKeysWithValues: testCase.keys.map { ($0, ProjectedFile(utf8: "x")) })
            let validated = try PayloadValidator.validate(input, policy: .clean)
            let target = try DirectoryHandle.openTarget(directory.path)
            defer { target.release() }
            let changed = try writer.reconcileUserVisibleLinks(in: target, names: validated.topLevelNames)
            #expect(changed == testCase.expected.keys.sorted())
            for (name, link) in testCase.expected {
                #expect(readLink(directory.sub(name)) == link)
            }
        }
    }

    @Test("A missing user-visible link is re-created although the data is unchanged")
    func missingLinkRecreated() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let files = payload(["foo": "1", "dir/bar": "2"])
            try writer.write(files)
            let before = try DataDirectoryIdentity(directory.path)
            unlink(directory.sub("dir"))
            #expect(try volumeContents(directory.path) != files)
            let result = try writer.write(files)
            #expect(!result.changed)
            #expect(result.changedLinks == ["dir"])
            #expect(try DataDirectoryIdentity(directory.path) == before)
            #expect(try volumeContents(directory.path) == files)
        }
    }

    @Test("A stale link to a name no longer projected is removed; unrelated entries are left alone")
    func staleLinkRemoved() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(payload(["foo": "1"]))
            symlink("..data/gone", directory.sub("gone"))  // as left by a crash between swap and link removal
            symlink("/etc/hostname", directory.sub("users-own-link"))
            #expect(FileManager.default.createFile(atPath: directory.sub("users-own-file"), contents: Data("u".utf8)))
            let result = try writer.write(payload(["foo": "1"]))
            #expect(!result.changed)
            #expect(result.changedLinks == ["gone"])
            #expect(lstatus(directory.sub("gone")) == nil)
            #expect(readLink(directory.sub("users-own-link")) == "/etc/hostname")
            #expect(FileManager.default.contents(atPath: directory.sub("users-own-file")) == Data("u".utf8))
        }
    }

    @Test("A regular file or directory written directly by an older writer is replaced (driver backward compatibility)")
    func replacesDirectlyWrittenEntries() throws {
        try TestDirectory.with { directory throws in
            #expect(FileManager.default.createFile(atPath: directory.sub("foo.txt"), contents: Data("old".utf8), attributes: [.posixPermissions: 0o600]))
            _ = try directory.makeSub("abc/nested")
            #expect(FileManager.default.createFile(atPath: directory.sub("abc/nested/123"), contents: Data("old".utf8)))
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let files = payload(["foo.txt": "new", "abc/123": "new"])
            let result = try writer.write(files)
            #expect(result.changedLinks == ["abc", "foo.txt"])
            #expect(try volumeContents(directory.path) == files)
        }
    }

    @Test("Links appear only for names in the data that ..data designates (no dangling link after a write)")
    func noDanglingLinks() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            for files in [payload(["a": "1", "b/c": "2"]), payload(["d": "3"]), payload(["a": "4", "e/f/g": "5"])] {
                try writer.write(files)
                for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where !name.hasPrefix("..") {
                    #expect(status(directory.sub(name)) != nil, "\(name) dangles")
                }
            }
        }
    }
}
