// MountWriter: reading back the files of a data directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads every regular file below a data directory, through directory descriptors (no symbolic link is
/// followed; symbolic links and special files are skipped, and so is anything below
/// ``PayloadValidator/maximumDepth`` levels, which no payload can have written).
enum ProjectionReader {
    /// The regular files below `directory`, by relative path.
    ///
    /// - Parameters:
    ///   - directory: An open data directory.
    ///   - includeOwners: Whether to record each file's uid and gid.
    /// - Returns: The files with their bytes and permission bits.
    /// - Throws: ``MountWriterError`` when a directory cannot be listed or a file cannot be read.
    static func read(
        _ directory: DirectoryHandle,
        includeOwners: Bool
    ) throws(MountWriterError) -> [String: ProjectedFile] {
        var files: [String: ProjectedFile] = [:]
        try directory.walk { parent, entry, path, kind, _ throws(MountWriterError) -> Bool in
            if kind == .regular, let file = try readFile(entry.name, in: parent, includeOwners: includeOwners) {
                files[path] = file
            }
            return kind == .directory
        }
        return files
    }

    private static func readFile(
        _ name: String,
        in directory: DirectoryHandle,
        includeOwners: Bool
    ) throws(MountWriterError) -> ProjectedFile? {
        let fd = SystemError.retrying { openat(directory.descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ENOENT || errno == ELOOP { return nil }
            throw SystemError.failure("openat", path: directory.display(name))
        }
        defer { _ = systemClose(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError.failure("fstat", path: directory.display(name)) }
        guard FileKind(mode: UInt32(info.st_mode)) == .regular else { return nil }
        var contents: [UInt8] = []
        var chunk = max(Int(info.st_size), 0) + 1
        while true {
            let start = contents.count
            var failure: Int32 = 0
            var reachedEnd = false
            contents.append(contentsOf: repeatElement(0, count: chunk))
            let filled = contents.withUnsafeMutableBytes { buffer -> Int in
                var total = start
                while total < buffer.count {
                    let count = systemRead(fd, buffer.baseAddress! + total, buffer.count - total)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        break
                    }
                    if count == 0 {
                        reachedEnd = true
                        break
                    }
                    total += count
                }
                return total
            }
            contents.removeSubrange(filled...)
            if failure != 0 {
                errno = failure
                throw SystemError.failure("read", path: directory.display(name))
            }
            if reachedEnd { break }
            chunk = 64 * 1024
        }
        let owner = includeOwners ? FileOwner(user: UInt32(info.st_uid), group: UInt32(info.st_gid)) : nil
        return ProjectedFile(contents: contents, mode: UInt32(info.st_mode) & 0o7777, owner: owner)
    }
}

/// `read(2)`, outside the enum so that the name does not clash with ``ProjectionReader/read(_:includeOwners:)``.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
