/// Counts of the requests a vault has answered, for tests that check retries, caching and concurrency.
public struct KeyVaultRequestCounters: Sendable, Hashable {
    /// All requests answered.
    public var total: Int
    /// Requests per path (without the query, trailing `/` removed), for example `/secrets/db-password`.
    public var byPath: [String: Int]
    /// Requests per status code.
    public var byStatus: [Int: Int]
    /// Requests per `"<status> <path>"`, for example `"429 /secrets/db-password"`.
    public var byStatusAndPath: [String: Int]

    /// Creates counters.
    /// - Parameters:
    ///   - total: All requests.
    ///   - byPath: Per path.
    ///   - byStatus: Per status.
    ///   - byStatusAndPath: Per status and path.
    public init(
        total: Int = 0, byPath: [String: Int] = [:], byStatus: [Int: Int] = [:], byStatusAndPath: [String: Int] = [:]
    ) {
        self.total = total
        self.byPath = byPath
        self.byStatus = byStatus
        self.byStatusAndPath = byStatusAndPath
    }

    mutating func record(path: String, status: Int) {
        total += 1
        byPath[path, default: 0] += 1
        byStatus[status, default: 0] += 1
        byStatusAndPath["\(status) \(path)", default: 0] += 1
    }
}
