// ThreadSanitizer's view of Synchronization.Mutex on Linux, in isolation (see Scripts/sanitizer-reports.py).
//
//   swiftc -O -sanitize=thread Scripts/tsan-mutex-demo.swift -o /tmp/tsan-mutex-demo && /tmp/tsan-mutex-demo
//   swiftc -O -sanitize=thread -D USE_NSLOCK Scripts/tsan-mutex-demo.swift -o /tmp/tsan-nslock-demo && /tmp/tsan-nslock-demo
//   swiftc -O -sanitize=thread -D REAL_RACE Scripts/tsan-mutex-demo.swift -o /tmp/tsan-race-demo && /tmp/tsan-race-demo
//
// Four threads update one dictionary, only ever under the lock. With Mutex, ThreadSanitizer reports data races (the
// contended lock is taken in the kernel, where it cannot see the ordering); with NSLock it reports none. With
// REAL_RACE, each thread also bumps a counter with no lock at all, a real race. Scripts/sanitizer-reports.py tells
// them apart: with both accesses inside `withLock` a report is a lock hand-over; the counter's race is counted.
import Foundation
import Synchronization

final class Shared: @unchecked Sendable {
    #if USE_NSLOCK
    let lock = NSLock()
    var table: [String: Int] = [:]
    func update(_ value: Int) { lock.lock(); if table["k"] != value { table["k"] = value }; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return table.count }
    #else
    let table = Mutex<[String: Int]>([:])
    func update(_ value: Int) { table.withLock { if $0["k"] != value { $0["k"] = value } } }
    var count: Int { table.withLock { $0.count } }
    #endif
}

#if REAL_RACE
nonisolated(unsafe) var unlockedCounter = 0
#endif

let shared = Shared()
let done = DispatchGroup()
for thread in 0..<4 {
    done.enter()
    Thread {
        for step in 0..<5_000 {
            shared.update(step &+ thread)
            #if REAL_RACE
            unlockedCounter &+= 1
            #endif
        }
        done.leave()
    }.start()
}
done.wait()
print("entries: \(shared.count)")
