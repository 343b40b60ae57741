/// A least-recently-used map with an entry limit and an idle time-out (``CacheLimits``). Lookups, inserts and
/// evictions are O(1): entries live in an array-backed doubly linked list ordered by last use.
///
/// It is a value type for use inside an actor; time is passed in, so tests control it.
struct BoundedCache<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value
        var lastUsed: ContinuousClock.Instant
        var newer: Int?
        var older: Int?
    }

    let limits: CacheLimits
    private var index: [Key: Int] = [:]
    private var nodes: [Node?] = []
    private var free: [Int] = []
    private var newest: Int?
    private var oldest: Int?
    /// Entries evicted for the count or the idle time-out, since creation.
    private(set) var evictions = 0

    init(limits: CacheLimits) {
        self.limits = limits
    }

    /// The number of entries.
    var count: Int { index.count }

    /// The value for `key`, marking it used; nil when absent or idle too long.
    mutating func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        expireIdle(now: now)
        guard let slot = index[key], let node = nodes[slot] else { return nil }
        touch(slot, now: now)
        return node.value
    }

    /// The value for `key` without marking it used or expiring anything.
    func peek(_ key: Key) -> Value? {
        index[key].flatMap { nodes[$0]?.value }
    }

    /// Stores `value` for `key` as the most recently used entry, evicting the least recently used past the limit.
    mutating func insert(_ value: Value, for key: Key, now: ContinuousClock.Instant = .now) {
        expireIdle(now: now)
        if let slot = index[key] {
            nodes[slot]?.value = value
            touch(slot, now: now)
            return
        }
        let node = Node(key: key, value: value, lastUsed: now, newer: nil, older: newest)
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        if let previous = newest { nodes[previous]?.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        index[key] = slot
        while index.count > limits.maximumEntries, let victim = oldest {
            remove(slot: victim)
            evictions += 1
        }
    }

    /// Removes the entry for `key`.
    mutating func removeValue(for key: Key) {
        if let slot = index[key] { remove(slot: slot) }
    }

    /// Drops every entry unused for longer than the idle time-out.
    mutating func expireIdle(now: ContinuousClock.Instant = .now) {
        while let slot = oldest, let node = nodes[slot], now - node.lastUsed > limits.idleTimeout {
            remove(slot: slot)
            evictions += 1
        }
    }

    private mutating func touch(_ slot: Int, now: ContinuousClock.Instant) {
        nodes[slot]?.lastUsed = now
        guard newest != slot else { return }
        unlink(slot)
        nodes[slot]?.older = newest
        nodes[slot]?.newer = nil
        if let previous = newest { nodes[previous]?.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        guard let node = nodes[slot] else { return }
        if let newer = node.newer { nodes[newer]?.older = node.older } else { newest = node.older }
        if let older = node.older { nodes[older]?.newer = node.newer } else { oldest = node.newer }
    }

    private mutating func remove(slot: Int) {
        guard let node = nodes[slot] else { return }
        unlink(slot)
        index[node.key] = nil
        nodes[slot] = nil
        free.append(slot)
    }
}
