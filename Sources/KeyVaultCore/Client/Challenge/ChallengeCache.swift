/// The challenges seen per vault authority, so that only the first request to a vault goes out without a token.
///
/// Keys are lower-cased hosts with the default HTTPS port removed (`v.vault.azure.net:443` and
/// `v.vault.azure.net` are the same vault, which matters because Key Vault's `nextLink` carries `:443`).
actor ChallengeCache {
    private var challenges: [String: AuthenticationChallenge] = [:]

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
