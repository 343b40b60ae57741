/// "Did you mean ...?" for mistyped keys: a case-insensitive match first (the `tenantID` / `tenantId` and
/// `userAssignedIdentityId` traps), then the known keys within a small edit distance.
public enum KeySuggestion {
    /// The known keys closest to `key`, best first; empty when none is close.
    /// - Parameters:
    ///   - key: The key as written.
    ///   - known: The keys that are valid.
    /// - Returns: The suggestions (every case-insensitive match, or those at the smallest edit distance, at most
    ///   2 and at most a third of the key's length).
    public static func suggestions(for key: String, among known: [String]) -> [String] {
        let lowered = key.lowercased()
        let sameLetters = known.filter { $0.lowercased() == lowered && $0 != key }
        if !sameLetters.isEmpty { return sameLetters }
        let limit = min(2, max(1, key.count / 3))
        var best: [String] = []
        var bestDistance = Int.max
        for candidate in known where candidate != key {
            let distance = editDistance(lowered, candidate.lowercased())
            guard distance <= limit else { continue }
            if distance < bestDistance {
                bestDistance = distance
                best = [candidate]
            } else if distance == bestDistance {
                best.append(candidate)
            }
        }
        return best
    }

    /// The Levenshtein distance (insertions, deletions, substitutions) between two strings.
    /// - Parameters:
    ///   - a: One string.
    ///   - b: The other.
    /// - Returns: The number of single-character edits.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `did you mean `a` or `b`?`, or nil when there is no suggestion.
    static func hint(_ suggestions: [String]) -> String? {
        guard !suggestions.isEmpty else { return nil }
        return "did you mean " + suggestions.map { "`\($0)`" }.joined(separator: " or ") + "?"
    }
}
