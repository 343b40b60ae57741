// MountWriter: the difference between the current data directory and a validated payload.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the files in the current data directory differ from a payload.
///
/// The comparison walks the data directory one entry at a time through directory descriptors (never following
/// a symbolic link). A file is compared by type, size, mode and requested owner first (one `fstat`), and only
/// when those match are its bytes read (one `read` into a reused buffer) and compared. The walk does not go below
/// ``PayloadValidator/maximumDepth`` levels: a directory at that depth cannot be the writer's, so it counts as a
/// foreign entry and the data directory differs.
struct ProjectionComparison {
    /// Payload paths missing from the data directory.
    var added: [String] = []
    /// Payload paths present with different bytes, mode, requested owner or type.
    var updated: [String] = []
    /// Regular files in the data directory that are not in the payload.
    var removedFiles: [String] = []
    /// Directories in the data directory that the payload no longer needs.
    var removedDirectories: [String] = []
    /// Payload paths whose file is already exactly right and not linked elsewhere (`st_nlink == 1`), so a new
    /// data directory may hard-link it instead of writing it again.
    var reusable: Set<String> = []
    /// Entries that must not be there (a symbolic link or special file, a directory with the wrong mode).
    var hasForeignEntries = false

    /// Whether the data directory already holds exactly the payload.
    var isIdentical: Bool {
        added.isEmpty && updated.isEmpty && removedFiles.isEmpty && removedDirectories.isEmpty && !hasForeignEntries
    }

    /// Every path that the payload no longer has, files and directories (the Kubernetes `pathsToRemove`).
    var pathsToRemove: Set<String> {
        Set(removedFiles).union(removedDirectories)
    }

    /// The comparison for a target without a usable data directory: everything is added.
    init(nothingAgainst payload: ValidatedPayload) {
        added = payload.files.keys.sorted()
    }

    /// Compares the data directory open at `dataDirectory` with `payload`.
    init(
        dataDirectory: DirectoryHandle,
        payload: ValidatedPayload,
        directoryMode: UInt32
    ) throws(MountWriterError) {
        let scratch = ScratchBuffer()
        var seen: Set<String> = []
        if UInt32(try dataDirectory.status().st_mode) & 0o7777 != directoryMode { hasForeignEntries = true }
        try dataDirectory.walk { parent, entry, path, kind, child throws(MountWriterError) -> Bool in
            switch kind {
            case .directory:
                let expected = payload.directories.contains(path)
                if !expected { removedDirectories.append(path) }
                guard let child else {
                    hasForeignEntries = true
                    return false
                }
                if expected, UInt32(try child.status().st_mode) & 0o7777 != directoryMode { hasForeignEntries = true }
                return true
            case .regular:
                if let wanted = payload.files[path] {
                    seen.insert(path)
                    switch try Self.file(entry.name, in: parent, matches: wanted, scratch: scratch) {
                    case .different: updated.append(path)
                    case .sameAndReusable: reusable.insert(path)
                    case .same: break
                    }
                } else {
                    removedFiles.append(path)
                }
            default:
                if payload.files[path] != nil {
                    seen.insert(path)
                    updated.append(path)
                } else {
                    hasForeignEntries = true
                }
            }
            return false
        }
        added = payload.files.keys.filter { !seen.contains($0) }.sorted()
        updated.sort()
        removedFiles.sort()
        removedDirectories.sort()
    }

    private static let compareFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC

    /// The outcome of comparing one file.
    private enum FileMatch {
        case different
        case same
        case sameAndReusable
    }

    /// Whether the regular file `name` has exactly the wanted type, size, mode, requested owner and bytes.
    private static func file(
        _ name: String,
        in directory: DirectoryHandle,
        matches wanted: ProjectedFile,
        scratch: ScratchBuffer
    ) throws(MountWriterError) -> FileMatch {
        // O_NOATIME: comparing must not dirty every inode with an access time (allowed for the file's owner and
        // for CAP_FOWNER; otherwise opened without it).
        var fd = SystemError.retrying { openat(directory.descriptor, name, Self.compareFlags | noAccessTimeFlag) }
        if fd < 0 && errno == EPERM {
            fd = SystemError.retrying { openat(directory.descriptor, name, Self.compareFlags) }
        }
        guard fd >= 0 else {
            if errno == ENOENT || errno == ELOOP { return .different }
            throw SystemError.failure("openat", path: directory.display(name))
        }
        defer { _ = systemClose(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError.failure("fstat", path: directory.display(name)) }
        let mode = UInt32(info.st_mode)
        guard FileKind(mode: mode) == .regular, mode & 0o7777 == wanted.mode,
            Int(info.st_size) == wanted.contents.count
        else { return .different }
        if let owner = wanted.owner {
            if let user = owner.user, UInt32(info.st_uid) != user { return .different }
            if let group = owner.group, UInt32(info.st_gid) != group { return .different }
        }
        let same = wanted.contents.withUnsafeBytes { scratch.contents(of: fd, equal: $0) }
        guard let same else { throw SystemError.failure("read", path: directory.display(name)) }
        guard same else { return .different }
        return info.st_nlink == 1 ? .sameAndReusable : .same
    }
}

#if os(Linux)
/// `O_NOATIME` (Linux only; Glibc does not export it to Swift).
private let noAccessTimeFlag: Int32 = 0o1000000
#else
private let noAccessTimeFlag: Int32 = 0
#endif
