// The Kubernetes TestPathsToRemove cases, against the comparison the writer uses, and through a real write.

import Foundation
import Testing

@testable import MountWriter

@Suite("Paths to remove (Kubernetes TestPathsToRemove)")
struct PathsToRemoveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var first: [String]
        var next: [String]
        var expected: Set<String>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "simple", first: ["foo.txt", "bar.txt"], next: ["foo.txt"], expected: ["bar.txt"]),
        Case(name: "simple 2", first: ["foo.txt", "zip/bar.txt"], next: ["foo.txt"], expected: ["zip/bar.txt", "zip"]),
        Case(
            name: "subdirs 1", first: ["foo.txt", "zip/zap/bar.txt"], next: ["foo.txt"],
            expected: ["zip/zap/bar.txt", "zip", "zip/zap"]),
        Case(
            name: "subdirs 2", first: ["foo.txt", "zip/1/2/3/4/bar.txt"], next: ["foo.txt"],
            expected: ["zip", "zip/1", "zip/1/2", "zip/1/2/3", "zip/1/2/3/4", "zip/1/2/3/4/bar.txt"]),
        Case(
            name: "subdirs 3", first: ["foo.txt", "zip/1/2/3/4/bar.txt", "zap/a/b/c/bar.txt"], next: ["foo.txt"],
            expected: [
                "zip", "zip/1", "zip/1/2", "zip/1/2/3", "zip/1/2/3/4", "zip/1/2/3/4/bar.txt",
                "zap", "zap/a", "zap/a/b", "zap/a/b/c", "zap/a/b/c/bar.txt",
            ]),
        Case(
            name: "subdirs 4",
            first: ["foo.txt", "zap/1/2/3/4/bar.txt", "zap/1/2/c/bar.txt", "zap/1/2/magic.txt"],
            next: ["foo.txt", "zap/1/2/magic.txt"],
            expected: ["zap/1/2/3", "zap/1/2/3/4", "zap/1/2/3/4/bar.txt", "zap/1/2/c", "zap/1/2/c/bar.txt"]),
        Case(
            name: "subdirs 5",
            first: ["foo.txt", "zap/1/2/3/4/bar.txt", "zap/1/2/c/bar.txt"],
            next: ["foo.txt", "zap/1/2/magic.txt"],
            expected: ["zap/1/2/3", "zap/1/2/3/4", "zap/1/2/3/4/bar.txt", "zap/1/2/c", "zap/1/2/c/bar.txt"]),
    ]

    static func files(_ paths: [String]) -> [String: ProjectedFile] {
        Dictionary(uniqueKeysWithValues: paths.map { ($0, ProjectedFile(utf8: $0)) })
    }

    @Test("Kubernetes cases", arguments: cases)
    func pathsToRemove(_ testCase: Case) throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            try writer.write(Self.files(testCase.first))
            let dataName = try #require(readLink(directory.sub("..data")))
            let data = try DirectoryHandle.openTarget(directory.sub(dataName))
            defer { data.release() }
            let next = try PayloadValidator.validate(Self.files(testCase.next), policy: .requireClean)
            let comparison = try ProjectionComparison(dataDirectory: data, payload: next, directoryMode: 0o755)
            #expect(comparison.pathsToRemove == testCase.expected, "\(testCase.name)")

            // The real write removes exactly those paths, and reports the removed files.
            let result = try writer.write(Self.files(testCase.next))
            let newData = directory.sub(result.dataDirectory)
            for path in testCase.expected {
                #expect(lstatus(newData + "/" + path) == nil, "\(path) still exists")
                #expect(lstatus(directory.sub(path)) == nil, "\(path) still visible")
            }
            #expect(Set(result.removed) == Set(testCase.first).subtracting(testCase.next))
            #expect(try volumeContents(directory.path) == Self.files(testCase.next))
        }
    }
}
