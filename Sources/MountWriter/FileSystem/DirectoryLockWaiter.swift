// MountWriter: a thread that waits in a blocking `flock`, so that a busy lock is handed over promptly.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A detached thread blocked in `flock` on its own open file description of a directory, on behalf of a caller
/// that calls ``poll()`` and may ``abandon()`` the wait (see ``DirectoryHandle/lock(exclusive:timeout:isCancelled:)``).
///
/// Exactly one side closes the descriptor: the caller once the outcome is ``Outcome/acquired(_:)`` (the descriptor
/// then holds the lock) or ``Outcome/failed(_:)``, the thread itself when the wait was abandoned (releasing the
/// lock it got too late).
final class DirectoryLockWaiter: Sendable {
    /// What the thread's `flock` came to.
    enum Outcome {
        case waiting
        case acquired(Int32)
        case failed(Int32)
    }

    /// The most abandoned waiters a process keeps at once; beyond it, waits poll instead of starting a thread.
    static let maximumAbandoned = 8
    /// The abandoned waiters still blocked in `flock`.
    private static let abandonedCount = Atomic<Int>(0)

    private static let waiting = 0
    private static let acquired = 1
    private static let failed = 2
    private static let abandoned = 3

    /// The second descriptor of the directory, the one the thread locks.
    private let descriptor: Int32
    /// `LOCK_EX` or `LOCK_SH`.
    private let operation: Int32
    /// One of the four states above.
    private let state = Atomic<Int>(0)
    /// The `errno` of a failed `flock`.
    private let failure = Atomic<Int32>(0)

    private init(descriptor: Int32, operation: Int32) {
        self.descriptor = descriptor
        self.operation = operation
    }

    /// Starts a waiter for `operation` on `directory`; `nil` when too many waiters are abandoned or no descriptor
    /// or thread is available (the caller then polls).
    static func start(on directory: DirectoryHandle, operation: Int32) -> DirectoryLockWaiter? {
        guard abandonedCount.load(ordering: .acquiring) < maximumAbandoned else { return nil }
        let fd = SystemError.retrying { openat(directory.descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        let waiter = DirectoryLockWaiter(descriptor: fd, operation: operation)
        let context = Unmanaged.passRetained(waiter).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<DirectoryLockWaiter>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<DirectoryLockWaiter>.fromOpaque(context).release()
            _ = systemClose(fd)
            return nil
        }
        pthread_detach(thread)
        return waiter
    }

    /// The thread's body: the blocking `flock`, then hand the result over, or let go if nobody wants it anymore.
    private func run() {
        let result = SystemError.retrying { flock(descriptor, operation) }
        let outcome = result == 0 ? Self.acquired : Self.failed
        if result != 0 { failure.store(errno, ordering: .relaxed) }
        if state.compareExchange(expected: Self.waiting, desired: outcome, ordering: .acquiringAndReleasing).exchanged {
            return
        }
        _ = systemClose(descriptor)
        Self.abandonedCount.subtract(1, ordering: .releasing)
    }

    /// The outcome so far. After ``Outcome/failed(_:)`` the descriptor is closed; after ``Outcome/acquired(_:)``
    /// the caller owns it (closing it releases the lock).
    func poll() -> Outcome {
        switch state.load(ordering: .acquiring) {
        case Self.acquired:
            return .acquired(descriptor)
        case Self.failed:
            _ = systemClose(descriptor)
            return .failed(failure.load(ordering: .relaxed))
        default:
            return .waiting
        }
    }

    /// Gives up the wait; returns `false` when it is too late (the outcome is no longer ``Outcome/waiting``).
    func abandon() -> Bool {
        Self.abandonedCount.add(1, ordering: .releasing)
        if state.compareExchange(expected: Self.waiting, desired: Self.abandoned, ordering: .acquiringAndReleasing)
            .exchanged
        {
            return true
        }
        Self.abandonedCount.subtract(1, ordering: .releasing)
        return false
    }
}
