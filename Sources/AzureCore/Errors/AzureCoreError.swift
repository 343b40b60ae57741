import Foundation

/// An error raised by `AzureCore`: transport failures, retry exhaustion, invalid configuration, cloud files.
///
/// The message and fields never contain a token, secret or request body; URLs are reduced to scheme, host, port
/// and path by ``Redaction/endpoint(_:)``.
public struct AzureCoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code that tests and callers can compare.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Connecting failed (refused, reset, DNS, TLS handshake).
        public static let connectionFailed = Code("connectionFailed")
        /// The server's TLS certificate was refused (untrusted issuer, expired, another host's name). Not
        /// transient: ``RetryPolicy`` does not retry it.
        public static let certificateVerificationFailed = Code("certificateVerificationFailed")
        /// The connect, read or overall deadline passed.
        public static let timedOut = Code("timedOut")
        /// The response body exceeded the configured limit.
        public static let responseTooLarge = Code("responseTooLarge")
        /// The request was refused before sending (plain HTTP to a non-loopback host, bad URL).
        public static let insecureRequest = Code("insecureRequest")
        /// A configuration value is invalid (CA bundle, proxy, cloud file).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The retry policy gave up; ``AzureCoreError/underlying`` names the last failure.
        public static let retriesExhausted = Code("retriesExhausted")
        /// The named cloud is not known.
        public static let unknownCloud = Code("unknownCloud")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation without secrets.
    public var message: String
    /// The endpoint involved (scheme, host, port, path only), when there is one.
    public var endpoint: String?
    /// The last HTTP status seen, when there was one.
    public var statusCode: Int?
    /// The lower-level error, kept as a typed value (an `HTTPClientError`, a `URLError`, the last attempt's
    /// ``AzureCoreError`` after retries, a `NIOSSLError` for an unreadable CA file), when there was one.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: The explanation (must not contain a secret).
    ///   - endpoint: The endpoint, already redacted.
    ///   - statusCode: The HTTP status, if any.
    ///   - underlying: The lower-level error, if any.
    public init(
        code: Code, message: String, endpoint: String? = nil, statusCode: Int? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.statusCode = statusCode
        self.underlying = underlying
    }

    /// Two errors are equal when their code, message, endpoint and status are; the ``underlying`` cause is not
    /// compared (the rule of every error type in the suite).
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether they are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.endpoint == rhs.endpoint && lhs.statusCode == rhs.statusCode
    }

    /// Hashes the compared fields.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(endpoint)
        hasher.combine(statusCode)
    }

    /// `"<code>: <message> (endpoint: …, status: …, underlying: …)"`.
    public var description: String {
        var parts: [String] = []
        if let endpoint { parts.append("endpoint: \(endpoint)") }
        if let statusCode { parts.append("status: \(statusCode)") }
        if let underlying { parts.append("underlying: \(underlying)") }
        return "\(code): \(message)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }
}
