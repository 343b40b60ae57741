// MountWriter: the bounded, cancellable wait for the `flock` on a target directory.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `flock` a call of ``DirectoryHandle/lock(exclusive:timeout:isCancelled:)`` took; ``release()`` drops it.
struct DirectoryLock {
    /// A second descriptor of the directory whose open file description holds the lock, when a
    /// ``DirectoryLockWaiter`` took it; `nil` when the handle's own descriptor holds it.
    let heldBy: Int32?

    /// Closes the descriptor that holds the lock, if it is not the handle's own (that one is released with the
    /// handle, which also drops the lock).
    func release() {
        if let heldBy { _ = systemClose(heldBy) }
    }
}

extension DirectoryHandle {
    /// The first pause between two checks while the lock is busy.
    static let firstLockPause = Duration.milliseconds(5)
    /// The longest pause between two checks (the pauses double up to it).
    static let longestLockPause = Duration.milliseconds(20)

    /// Takes a `flock` on the directory without ever waiting unboundedly: another holder is waited for at most
    /// `timeout`, and only while `isCancelled` returns `false`.
    ///
    /// The lock is first tried with `LOCK_NB`. When it is busy, a ``DirectoryLockWaiter`` thread waits for it in a
    /// blocking `flock` on a second open file description of the directory (so that the kernel hands the lock
    /// over as soon as it is free, as fairly as a plain blocking `flock`, instead of a poll that a writer in a
    /// tight loop could starve), while this thread checks `isCancelled`, the deadline and the waiter every 5 ms,
    /// doubling up to 20 ms. If the wait is abandoned, the waiter releases the lock the moment it gets it and
    /// ends; at most ``DirectoryLockWaiter/maximumAbandoned`` abandoned waiters exist per process (each holds one
    /// descriptor and one thread until the other holder lets go), and beyond that, or when no thread can be
    /// started, the wait polls with `LOCK_NB` instead.
    ///
    /// - Parameters:
    ///   - exclusive: `LOCK_EX` when `true`, `LOCK_SH` otherwise.
    ///   - timeout: How long to wait for another holder (`nil`: no deadline).
    ///   - isCancelled: Asked while the lock is busy; `true` stops the wait.
    /// - Returns: The lock; release it (or the handle) to drop it.
    /// - Throws: ``MountWriterError/Code/lockTimeout`` when the deadline passes, ``MountWriterError/Code/cancelled``
    ///   when `isCancelled` returns `true`, ``MountWriterError/Code/fileSystemFailure`` when `flock` fails otherwise.
    func lock(exclusive: Bool, timeout: Duration?, isCancelled: () -> Bool) throws(MountWriterError) -> DirectoryLock {
        let operation = exclusive ? LOCK_EX : LOCK_SH
        if SystemError.retrying({ flock(descriptor, operation | LOCK_NB) }) == 0 { return DirectoryLock(heldBy: nil) }
        guard errno == EWOULDBLOCK || errno == EAGAIN else {
            throw SystemError.failure("flock", path: displayPath, message: "cannot lock the target directory")
        }
        if isCancelled() { throw cancellation() }
        if let timeout, timeout <= .zero { throw expiry(after: timeout) }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        let waiter = DirectoryLockWaiter.start(on: self, operation: operation)
        var pause = Self.firstLockPause
        while true {
            if let waiter {
                switch waiter.poll() {
                case .acquired(let fd): return DirectoryLock(heldBy: fd)
                case .failed(let code):
                    errno = code
                    throw SystemError.failure("flock", path: displayPath, message: "cannot lock the target directory")
                case .waiting: break
                }
            } else if SystemError.retrying({ flock(descriptor, operation | LOCK_NB) }) == 0 {
                return DirectoryLock(heldBy: nil)
            } else if errno != EWOULDBLOCK && errno != EAGAIN {
                throw SystemError.failure("flock", path: displayPath, message: "cannot lock the target directory")
            }
            let cancelled = isCancelled()
            let now = clock.now
            let expired = deadline.map { now >= $0 } ?? false
            if cancelled || expired {
                // The waiter may have got the lock meanwhile; then the wait succeeded after all.
                if let waiter, !waiter.abandon() { continue }
                throw cancelled ? cancellation() : expiry(after: timeout ?? .zero)
            }
            Self.sleep(for: deadline.map { min(pause, now.duration(to: $0)) } ?? pause)
            pause = min(pause * 2, Self.longestLockPause)
        }
    }

    /// The error of a wait stopped by the caller.
    private func cancellation() -> MountWriterError {
        MountWriterError(
            code: .cancelled, path: displayPath,
            message: "cancelled while waiting for the lock on the target directory, which another writer holds",
            operation: "flock", errno: EWOULDBLOCK)
    }

    /// The error of a wait that ran out of time.
    private func expiry(after timeout: Duration) -> MountWriterError {
        MountWriterError(
            code: .lockTimeout, path: displayPath,
            message: "another process (or another writer in this process) holds the lock on the target directory; "
                + "gave up after \(Self.describe(timeout))",
            operation: "flock", errno: EWOULDBLOCK)
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
