// The Kubernetes TestNewAtomicWriter and TestWriteOnce cases, and the on-disk layout.

import Foundation
import MountWriter
import Testing

/// A small ELF binary (the same kind of content the Kubernetes test uses as "binary data").
let binaryContents: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00] + (0..<117).map { UInt8(($0 * 37) & 0xff) }

@Suite("Write once (Kubernetes TestWriteOnce)")
struct WriteOnceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var payload: [String: ProjectedFile]
        var success: Bool
        var testDescription: String { name }
    }

    static func files(_ entries: [(String, String, UInt32)]) -> [String: ProjectedFile] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.0, ProjectedFile(utf8: $0.1, mode: $0.2)) })
    }

    static let cases: [Case] = [
        Case(
            name: "invalid payload 1",
            payload: files([("foo", "foo", 0o644), ("..bar", "bar", 0o644)])
                .merging(["binary.bin": ProjectedFile(contents: binaryContents)]) { $1 },
            success: false),
        Case(name: "invalid payload 2", payload: files([("foo/../bar", "foo", 0o644)]), success: false),
        Case(name: "basic 1", payload: files([("foo", "foo", 0o644), ("bar", "bar", 0o644)]), success: true),
        Case(
            name: "basic 2",
            payload: ["binary.bin": ProjectedFile(contents: binaryContents), ".binary.bin": ProjectedFile(contents: binaryContents)],
            success: true),
        Case(name: "basic mode 1", payload: files([("foo", "foo", 0o777), ("bar", "bar", 0o400)]), success: true),
        Case(
            name: "dotfiles",
            payload: files([("foo", "foo", 0o644), ("bar", "bar", 0o644), (".dotfile", "dotfile", 0o644), (".dotfile.file", "dotfile.file", 0o644)]),
            success: true),
        Case(
            name: "dotfiles mode",
            payload: files([("foo", "foo", 0o407), ("bar", "bar", 0o440), (".dotfile", "dotfile", 0o777), (".dotfile.file", "dotfile.file", 0o666)]),
            success: true),
        Case(name: "subdirectories 1", payload: files([("foo/bar.txt", "foo/bar", 0o644), ("bar/zab.txt", "bar/zab.txt", 0o644)]), success: true),
        Case(name: "subdirectories mode 1", payload: files([("foo/bar.txt", "foo/bar", 0o400), ("bar/zab.txt", "bar/zab.txt", 0o644)]), success: true),
        Case(
            name: "subdirectories 3",
            payload: files([
                ("foo/bar.txt", "foo/bar", 0o644), ("bar/zab.txt", "bar/zab.txt", 0o644),
                ("foo/blaz/bar.txt", "foo/blaz/bar", 0o644), ("bar/zib/zab.txt", "bar/zib/zab.txt", 0o644),
            ]),
            success: true),
        Case(
            name: "kitchen sink",
            payload: files([
                ("foo.log", "foo", 0o644), ("bar.zap", "bar", 0o644), (".dotfile", "dotfile", 0o644),
                ("foo/bar.txt", "foo/bar", 0o644), ("bar/zab.txt", "bar/zab.txt", 0o644),
                ("foo/blaz/bar.txt", "foo/blaz/bar", 0o644), ("bar/zib/zab.txt", "bar/zib/zab.txt", 0o400),
                ("1/2/3/4/5/6/7/8/9/10/.dotfile.lib", "1-2-3-dotfile", 0o777),
            ]),
            success: true),
    ]

    @Test("Kubernetes cases", arguments: cases)
    func writeOnce(_ testCase: Case) throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            do {
                let result = try writer.write(testCase.payload)
                #expect(testCase.success, "\(testCase.name): unexpected success")
                #expect(result.changed)
                #expect(result.added == testCase.payload.keys.sorted())
                #expect(try volumeContents(directory.path) == testCase.payload)
                #expect(try writer.readProjection() == testCase.payload)
            } catch {
                #expect(!testCase.success, "\(testCase.name): \(error)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            }
        }
    }

    @Test("Subdirectories 2: unclean keys are observed under their clean form (clean policy)")
    func uncleanKeysCleaned() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(pathPolicy: .clean))
            let result = try writer.write(payload(["foo//bar.txt": "foo/bar", "bar///bar/zab.txt": "bar/bar/zab.txt"]))
            #expect(result.added == ["bar/bar/zab.txt", "foo/bar.txt"])
            #expect(try volumeContents(directory.path) == payload(["foo/bar.txt": "foo/bar", "bar/bar/zab.txt": "bar/bar/zab.txt"]))
        }
    }

    @Test("A target that does not exist is an error (Kubernetes TestNewAtomicWriter)")
    func missingTarget() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.sub("missing"))
            let error = try #require(throws: MountWriterError.self) { try writer.write(payload(["a": "1"])) }
            #expect(error.code == .targetNotFound)
            #expect(error.path == directory.sub("missing"))
            #expect(error.description.contains("does not exist"))
        }
    }

    @Test("Layout: timestamped data directory, relative ..data link, one link per top-level name")
    func layout() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let result = try writer.write(payload(["tls.crt": "c", "config/app/settings.json": "{}", "config/x": "y"]))
            let dataName = try #require(readLink(directory.sub("..data")))
            #expect(dataName == result.dataDirectory)
            // ..YYYY_MM_DD_HH_MM_SS.<digits>, UTC
            let pattern = #/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/#
            #expect(dataName.wholeMatch(of: pattern) != nil, "\(dataName)")
            var now = time(nil)
            var parts = tm()
            gmtime_r(&now, &parts)
            #expect(dataName.hasPrefix("..\(parts.tm_year + 1900)_"))
            #expect(readLink(directory.sub("tls.crt")) == "..data/tls.crt")
            #expect(readLink(directory.sub("config")) == "..data/config")
            #expect(readLink(directory.sub("config/app")) == nil, "nested paths are not links")
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(entries == ["..data", dataName, "config", "tls.crt"].sorted())
            let dataInfo = try #require(lstatus(directory.sub(dataName)))
            #expect(dataInfo.st_mode & 0o7777 == 0o755)
            let nestedInfo = try #require(lstatus(directory.sub(dataName) + "/config/app"))
            #expect(nestedInfo.st_mode & 0o7777 == 0o755)
        }
    }

    @Test("An empty payload is valid and projects nothing")
    func emptyPayload() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            let result = try writer.write([:])
            #expect(result.changed)
            #expect(try writer.readProjection().isEmpty)
            #expect(try reservedEntries(directory.path) == ["..data", result.dataDirectory].sorted())
            let again = try writer.write([:])
            #expect(!again.changed)
            #expect(again.dataDirectory == result.dataDirectory)
        }
    }

    @Test("The synchronizing option writes the same projection")
    func synchronized() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(synchronizesToDisk: true))
            let files = payload(["a/b": "1", "c": "2"], mode: 0o600)
            #expect(try writer.write(files).changed)
            #expect(try volumeContents(directory.path) == files)
            #expect(!(try writer.write(files).changed))
        }
    }
}
