import Foundation

/// An error from a credential: what failed, the AADSTS code and what it means, the HTTP status and endpoint.
///
/// It never contains a secret, a client assertion, a federated token or an access token: server messages are
/// scrubbed of the values the credential sent and of anything shaped like a JWT.
public struct IdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The credential cannot be used here (missing configuration, unreachable endpoint); a chain moves on.
        public static let credentialUnavailable = Code("credentialUnavailable")
        /// The identity provider rejected the request (see ``IdentityError/aadstsCode``).
        public static let authenticationFailed = Code("authenticationFailed")
        /// IMDS does not know the requested identity, or several are assigned and none was named.
        public static let identityNotFound = Code("identityNotFound")
        /// The configuration is invalid (bad tenant ID, authority, key, certificate, token file).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The response could not be understood.
        public static let invalidResponse = Code("invalidResponse")
        /// The request failed in transport after retries.
        public static let transportFailed = Code("transportFailed")
        /// The requested tenant is not allowed for this credential.
        public static let tenantNotAllowed = Code("tenantNotAllowed")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The credential type that failed, for example `WorkloadIdentityCredential`.
    public var credential: String
    /// A human-readable explanation, free of secrets.
    public var message: String
    /// The AADSTS code, when the identity provider returned one.
    public var aadstsCode: Int?
    /// What the AADSTS code means and how to fix it, when known.
    public var meaning: String?
    /// The OAuth `error` value (`invalid_client`, `invalid_request`, …).
    public var oauthError: String?
    /// The HTTP status, when there was a response.
    public var statusCode: Int?
    /// The endpoint (scheme, host, port, path), when there was one.
    public var endpoint: String?
    /// For a chain: why each credential was skipped or failed, in order.
    public var attempts: [String]
    /// The lower-level error, kept as a typed value: the transport's `AzureCoreError` for
    /// ``Code/transportFailed``, a `DecodingError` for ``Code/invalidResponse``, each credential's error for a chain.
    /// Never compared by `==`.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - credential: The credential type.
    ///   - message: The explanation.
    ///   - aadstsCode: The AADSTS code.
    ///   - meaning: The code's meaning.
    ///   - oauthError: The OAuth error value.
    ///   - statusCode: The HTTP status.
    ///   - endpoint: The redacted endpoint.
    ///   - attempts: Chain attempts.
    ///   - underlying: The lower-level error, if any.
    public init(
        code: Code,
        credential: String,
        message: String,
        aadstsCode: Int? = nil,
        meaning: String? = nil,
        oauthError: String? = nil,
        statusCode: Int? = nil,
        endpoint: String? = nil,
        attempts: [String] = [],
        underlying: (any Error & Sendable)? = nil
    ) {
        self.underlying = underlying
        self.code = code
        self.credential = credential
        self.message = message
        self.aadstsCode = aadstsCode
        self.meaning = meaning
        self.oauthError = oauthError
        self.statusCode = statusCode
        self.endpoint = endpoint
        self.attempts = attempts
    }

    /// Two errors are equal when every field but ``underlying`` is (the rule of every error type in the suite).
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether they are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.credential == rhs.credential && lhs.message == rhs.message
            && lhs.aadstsCode == rhs.aadstsCode && lhs.meaning == rhs.meaning && lhs.oauthError == rhs.oauthError
            && lhs.statusCode == rhs.statusCode && lhs.endpoint == rhs.endpoint && lhs.attempts == rhs.attempts
    }

    /// Hashes the compared fields.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(credential)
        hasher.combine(message)
        hasher.combine(aadstsCode)
        hasher.combine(statusCode)
    }

    /// Whether a chained credential should try the next link.
    public var isUnavailable: Bool { code == .credentialUnavailable || code == .identityNotFound }

    /// One line with everything a user needs.
    public var description: String {
        var text = "\(credential): \(code): \(message)"
        if let aadstsCode { text += " [AADSTS\(aadstsCode)" + (meaning.map { ": \($0)" } ?? "") + "]" }
        if let statusCode { text += " (HTTP \(statusCode)" + (endpoint.map { " from \($0)" } ?? "") + ")" }
        else if let endpoint { text += " (\(endpoint))" }
        if !attempts.isEmpty { text += "; attempts: " + attempts.joined(separator: "; ") }
        return text
    }
}
