// MountWriter: atomic projection of files into a directory (Kubernetes atomic-writer layout).

/// An error thrown by ``AtomicDirectoryWriter``.
///
/// Every error carries a ``code`` that callers can switch on, the offending ``path`` (a payload path for input
/// errors, a path inside the target directory or the target directory itself for file-system errors), and a
/// human-readable ``message``. For file-system failures ``operation`` names the system call and ``errno`` holds
/// the value it set. File contents never appear in an error.
public struct MountWriterError: Error, Hashable, Sendable {
    /// What went wrong, as a stable, comparable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: String, Hashable, Sendable {
            case emptyPath
            case absolutePath
            case pathTooLong
            case pathTooDeep
            case componentTooLong
            case parentDirectoryReference
            case reservedName
            case uncleanPath
            case invalidCharacter
            case duplicatePath
            case fileWhereDirectoryMustGo
            case invalidMode
            case targetNotFound
            case targetNotDirectory
            case fileSystemFailure
            case lockTimeout
            case cancelled
        }

        let backing: Backing

        /// The path is the empty string (or cleans to nothing, such as `.`).
        public static let emptyPath = Code(backing: .emptyPath)
        /// The path starts with `/`.
        public static let absolutePath = Code(backing: .absolutePath)
        /// The path is longer than 4096 bytes.
        public static let pathTooLong = Code(backing: .pathTooLong)
        /// The path has more components than the writer accepts (64, see ``AtomicDirectoryWriter``'s
        /// "Descriptors" section); the bound keeps the number of open file descriptors per write small.
        public static let pathTooDeep = Code(backing: .pathTooDeep)
        /// One component of the path is longer than 255 bytes.
        public static let componentTooLong = Code(backing: .componentTooLong)
        /// One component of the path is `..`.
        public static let parentDirectoryReference = Code(backing: .parentDirectoryReference)
        /// The first component starts with `..`; such names are reserved for the writer's own entries.
        public static let reservedName = Code(backing: .reservedName)
        /// The path is not already clean (an empty or `.` component, a trailing slash) and the writer was
        /// configured with ``AtomicDirectoryWriter/PathPolicy/requireClean``.
        public static let uncleanPath = Code(backing: .uncleanPath)
        /// The path contains a NUL byte, which no file name can hold.
        public static let invalidCharacter = Code(backing: .invalidCharacter)
        /// Two payload keys name the same file once cleaned (for example `a//b` and `a/b`).
        public static let duplicatePath = Code(backing: .duplicatePath)
        /// A payload file sits where another payload path needs a directory (`a` and `a/b` both present).
        public static let fileWhereDirectoryMustGo = Code(backing: .fileWhereDirectoryMustGo)
        /// The requested mode has bits outside `0o7777`.
        public static let invalidMode = Code(backing: .invalidMode)
        /// The target directory does not exist.
        public static let targetNotFound = Code(backing: .targetNotFound)
        /// The target path exists but is not a directory.
        public static let targetNotDirectory = Code(backing: .targetNotDirectory)
        /// A system call failed; see ``MountWriterError/operation`` and ``MountWriterError/errno``.
        public static let fileSystemFailure = Code(backing: .fileSystemFailure)
        /// Another writer (usually another process) held the `flock` on the target directory for longer than
        /// ``AtomicDirectoryWriter/Options/lockTimeout``. Nothing was touched; retrying later may succeed.
        public static let lockTimeout = Code(backing: .lockTimeout)
        /// The caller was cancelled (a cancelled `Task`, or the `isCancelled` closure returned `true`) while the
        /// writer waited for the lock on the target directory. Nothing was touched. Callers in Swift concurrency
        /// usually map it to `CancellationError`.
        public static let cancelled = Code(backing: .cancelled)

        /// The code's name, for example `reservedName`.
        public var description: String { backing.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The offending payload path, or the file-system path an operation failed on.
    public var path: String
    /// A sentence explaining the problem (never contains file contents).
    public var message: String
    /// For ``Code/fileSystemFailure``, target and lock errors: the system call that failed, such as `renameat`.
    public var operation: String?
    /// For ``Code/fileSystemFailure`` and target errors: the `errno` value the call set.
    public var errno: Int32?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - path: The offending payload path or file-system path.
    ///   - message: A sentence explaining the problem.
    ///   - operation: The failed system call, if any.
    ///   - errno: The `errno` value the call set, if any.
    public init(code: Code, path: String, message: String, operation: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.operation = operation
        self.errno = errno
    }
}

extension MountWriterError: CustomStringConvertible {
    /// A one-line description, for example `invalid path "..sneaky.txt": must not start with '..' (reservedName)`.
    public var description: String {
        switch code.backing {
        case .fileSystemFailure, .targetNotFound, .targetNotDirectory, .lockTimeout, .cancelled:
            var text = "\(message): \"\(path)\""
            if let operation {
                text += " (\(operation)"
                if let errno { text += ": \(SystemError.message(for: errno)), errno \(errno)" }
                text += ")"
            }
            return text + " [\(code)]"
        default:
            return "invalid path \"\(path)\": \(message) [\(code)]"
        }
    }
}
