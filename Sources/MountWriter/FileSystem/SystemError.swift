// MountWriter: helpers that turn failed system calls into `MountWriterError`s.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds ``MountWriterError`` values from `errno` and retries calls interrupted by signals.
enum SystemError {
    /// The C library's text for an `errno` value.
    static func message(for errno: Int32) -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }

    /// A ``MountWriterError/Code/fileSystemFailure`` for the current `errno`.
    static func failure(_ operation: String, path: String, message: String? = nil) -> MountWriterError {
        let code = errno
        return MountWriterError(
            code: .fileSystemFailure,
            path: path,
            message: message ?? "\(operation) failed",
            operation: operation,
            errno: code
        )
    }

    /// Runs `body` until it does not fail with `EINTR`.
    static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let result = body()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }
}
