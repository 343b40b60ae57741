/// Requests counted by the emulators: Key Vault requests (and how many of them were answered 401, the challenge),
/// Entra ID token requests and IMDS token requests. Differences of two snapshots give what one step made.
struct RequestCounts: Sendable, Hashable {
    /// Every Key Vault request of the benchmark vault.
    var keyVault = 0
    /// Key Vault requests answered 401 (the unauthenticated challenge round trips).
    var challenges = 0
    /// Requests to Entra ID's token endpoint.
    var entraTokens = 0
    /// Requests to the IMDS token endpoint.
    var imdsTokens = 0

    /// Token requests of any kind (Entra ID and IMDS).
    var tokens: Int { entraTokens + imdsTokens }

    /// Key Vault requests that fetched an object (everything but the challenges).
    var fetches: Int { keyVault - challenges }

    static func - (lhs: RequestCounts, rhs: RequestCounts) -> RequestCounts {
        RequestCounts(
            keyVault: lhs.keyVault - rhs.keyVault,
            challenges: lhs.challenges - rhs.challenges,
            entraTokens: lhs.entraTokens - rhs.entraTokens,
            imdsTokens: lhs.imdsTokens - rhs.imdsTokens
        )
    }
}
