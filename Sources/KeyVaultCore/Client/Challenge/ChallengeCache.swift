/// The challenges seen per vault authority, so that only the first request to a vault goes out without a token.
///
/// Discovery is single-flight: when many requests to a new vault start at once, one of them sends the
/// unauthenticated request and the others wait for its challenge instead of each collecting a 401 of their own.
///
/// Keys are lower-cased hosts with the default HTTPS port removed (`v.vault.azure.net:443` and
/// `v.vault.azure.net` are the same vault, which matters because Key Vault's `nextLink` carries `:443`).
actor ChallengeCache {
    private var challenges: [String: AuthenticationChallenge] = [:]
    private var discovering: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// What a request to an authority should do next.
    enum Ticket: Sendable {
        /// A challenge is known: authorize with it.
        case cached(AuthenticationChallenge)
        /// No challenge is known and nobody is looking: this caller sends the unauthenticated request and must call
        /// ``finishDiscovery(for:)`` afterwards, whatever happens.
        case discover
    }

    /// Returns the cached challenge, or makes the caller the one discoverer of this authority, waiting while
    /// another caller is discovering it.
    func ticket(for key: String) async -> Ticket {
        while true {
            if let challenge = challenges[key] { return .cached(challenge) }
            if !discovering.contains(key) {
                discovering.insert(key)
                return .discover
            }
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        }
    }

    /// Ends a discovery started by ``ticket(for:)``: waiters take the stored challenge, or one of them discovers
    /// again when none was stored.
    func finishDiscovery(for key: String) {
        discovering.remove(key)
        for waiter in waiters.removeValue(forKey: key) ?? [] { waiter.resume() }
    }

    /// The cached challenge for an authority key.
    func challenge(for key: String) -> AuthenticationChallenge? { challenges[key] }

    /// Stores a challenge.
    func store(_ challenge: AuthenticationChallenge, for key: String) { challenges[key] = challenge }

    /// Forgets the challenge of an authority.
    func remove(_ key: String) { challenges[key] = nil }

    /// The normalised cache key of a scheme and authority.
    static func key(scheme: String?, authority: String) -> String {
        var value = authority.lowercased()
        if scheme?.lowercased() != "http", value.hasSuffix(":443") { value.removeLast(4) }
        if scheme?.lowercased() == "http", value.hasSuffix(":80") { value.removeLast(3) }
        return value
    }
}
