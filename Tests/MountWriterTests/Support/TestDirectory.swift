// Test support: temporary target directories and ways to look at them as a consumer would.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary directory removed when the test ends.
struct TestDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/mountwriter-tests.XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let created = try #require(result, "mkdtemp failed")
        path = String(cString: created)
    }

    /// Runs `body` with a fresh directory, then removes it.
    static func with<R>(_ body: (TestDirectory) throws -> R) throws -> R {
        let directory = try TestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        return try body(directory)
    }

    /// A subdirectory path (not created).
    func sub(_ name: String) -> String { path + "/" + name }

    /// Creates a subdirectory and returns its path.
    func makeSub(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: sub(name), withIntermediateDirectories: true)
        return sub(name)
    }
}

/// A payload whose files all have the same mode.
func payload(_ files: [String: String], mode: UInt32 = 0o644) -> [String: ProjectedFile] {
    files.mapValues { ProjectedFile(utf8: $0, mode: mode) }
}

/// `readlink`, or `nil`.
func readLink(_ path: String) -> String? {
    try? FileManager.default.destinationOfSymbolicLink(atPath: path)
}

/// `lstat`, or `nil`.
func lstatus(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
}

/// `stat` (following links), or `nil`.
func status(_ path: String) -> stat? {
    var info = stat()
    return stat(path, &info) == 0 ? info : nil
}

/// Names in a directory that start with `..`.
func reservedEntries(_ target: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasPrefix("..") }.sorted()
}

/// What a consumer sees (the Kubernetes test helper `checkVolumeContents`): for every top-level entry that does
/// not start with `..` and is a symbolic link, the link must point at `..data/<name>`; every regular file reached
/// through it is recorded by its path relative to the target, with contents and permission bits.
func volumeContents(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: ProjectedFile] {
    var result: [String: ProjectedFile] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: target) where !name.hasPrefix("..") {
        guard let link = readLink(target + "/" + name) else { continue }
        #expect(link == "..data/" + name, "user-visible link \(name) points to \(link)", sourceLocation: sourceLocation)
        try collect(target + "/" + name, relative: name, into: &result)
    }
    return result
}

private func collect(_ path: String, relative: String, into result: inout [String: ProjectedFile]) throws {
    guard let info = status(path) else { return }  // dangling: nothing visible
    switch info.st_mode & S_IFMT {
    case S_IFDIR:
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            try collect(path + "/" + name, relative: relative + "/" + name, into: &result)
        }
    case S_IFREG:
        let data = try #require(FileManager.default.contents(atPath: path))
        result[relative] = ProjectedFile(contents: Array(data), mode: UInt32(info.st_mode) & 0o7777)
    default:
        break
    }
}

/// The identity of the current data directory: its name and inode.
struct DataDirectoryIdentity: Equatable {
    var name: String
    var inode: UInt64

    init(_ target: String) throws {
        name = try #require(readLink(target + "/..data"), "no ..data link")
        inode = UInt64(try #require(lstatus(target + "/" + name)).st_ino)
    }
}
