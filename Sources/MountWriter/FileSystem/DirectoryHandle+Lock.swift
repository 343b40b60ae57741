// MountWriter: the bounded, cancellable wait for the `flock` on a target directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension DirectoryHandle {
    /// The first pause between two attempts to take a busy lock.
    static let firstLockPause = Duration.milliseconds(5)
    /// The longest pause between two attempts (the pauses double up to it).
    static let longestLockPause = Duration.milliseconds(50)

    /// Takes a `flock` on the directory, polling with `LOCK_NB` while another holder has it.
    ///
    /// The wait never blocks in the kernel: between attempts it sleeps 5 ms, doubling up to 50 ms, and before each
    /// pause it checks `isCancelled` and the deadline, so a cancelled caller returns within about 50 ms.
    ///
    /// - Parameters:
    ///   - exclusive: `LOCK_EX` when `true`, `LOCK_SH` otherwise.
    ///   - timeout: How long to wait for another holder (`nil`: no deadline).
    ///   - isCancelled: Asked while the lock is busy; `true` stops the wait.
    /// - Throws: ``MountWriterError/Code/lockTimeout`` when the deadline passes, ``MountWriterError/Code/cancelled``
    ///   when `isCancelled` returns `true`, ``MountWriterError/Code/fileSystemFailure`` when `flock` fails otherwise.
    func lock(exclusive: Bool, timeout: Duration?, isCancelled: () -> Bool) throws(MountWriterError) {
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = timeout.map { start.advanced(by: $0) }
        var pause = Self.firstLockPause
        while true {
            if SystemError.retrying({ flock(descriptor, operation) }) == 0 { return }
            let code = errno
            guard code == EWOULDBLOCK || code == EAGAIN else {
                throw SystemError.failure("flock", path: displayPath, message: "cannot lock the target directory")
            }
            if isCancelled() {
                throw MountWriterError(
                    code: .cancelled, path: displayPath,
                    message: "cancelled while waiting for the lock on the target directory, which another writer holds",
                    operation: "flock", errno: code)
            }
            let now = clock.now
            if let deadline, let timeout, now >= deadline {
                throw MountWriterError(
                    code: .lockTimeout, path: displayPath,
                    message: "another process (or another writer in this process) holds the lock on the target "
                        + "directory; gave up after \(Self.describe(timeout))",
                    operation: "flock", errno: code)
            }
            Self.sleep(for: deadline.map { min(pause, now.duration(to: $0)) } ?? pause)
            pause = min(pause * 2, Self.longestLockPause)
        }
    }

    /// A duration in seconds with up to three decimals, for messages (`0.3 s`, `120 s`).
    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        guard fraction != 0 else { return "\(whole) s" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits) s"
    }

    /// Sleeps the calling thread (`nanosleep`, resumed after a signal until the time has passed).
    private static func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        var request = timespec(
            tv_sec: Int(duration.components.seconds),
            tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
