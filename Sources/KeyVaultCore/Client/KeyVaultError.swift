/// An error from Key Vault (or from talking to it): the decoded service error plus everything a user needs to fix
/// it: vault, object type, name and version, HTTP status, Key Vault error codes and a recommendation.
///
/// It never contains a token, a secret value or a response body other than Key Vault's own error message.
public struct KeyVaultError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public var code: Code
    /// The HTTP status, when a response was received.
    public var statusCode: Int?
    /// The vault (its host, for example `myvault.vault.azure.net`).
    public var vault: String
    /// The object name, when the request was about one object.
    public var objectName: String?
    /// The object type.
    public var objectType: KeyVaultObjectType?
    /// The object version requested (`nil` for the latest).
    public var objectVersion: String?
    /// What the client was doing: `get` or `list versions`.
    public var operation: String
    /// Key Vault's `error.code`, for example `SecretNotFound`, `Forbidden`, `Throttled`, `Unauthorized`.
    public var serviceErrorCode: String?
    /// Key Vault's `error.innererror.code`, for example `ForbiddenByRbac`.
    public var innerErrorCode: String?
    /// Key Vault's `error.message` (or the client's own explanation).
    public var message: String
    /// What to do about it.
    public var recommendation: String?
    /// The `x-ms-request-id` of the response, for support requests.
    public var requestID: String?
    /// The lower-level error, kept as a typed value (the `DecodingError` of an unreadable body), when there was one.
    /// Never compared by `==`.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - statusCode: The HTTP status.
    ///   - vault: The vault host.
    ///   - objectName: The object name.
    ///   - objectType: The object type.
    ///   - objectVersion: The version.
    ///   - operation: `get` or `list versions`.
    ///   - serviceErrorCode: Key Vault's error code.
    ///   - innerErrorCode: Key Vault's inner error code.
    ///   - message: The message.
    ///   - recommendation: What to do.
    ///   - requestID: The request ID.
    ///   - underlying: The lower-level error (a `DecodingError`), if any.
    public init(
        code: Code, statusCode: Int? = nil, vault: String, objectName: String? = nil,
        objectType: KeyVaultObjectType? = nil, objectVersion: String? = nil, operation: String = "get",
        serviceErrorCode: String? = nil, innerErrorCode: String? = nil, message: String,
        recommendation: String? = nil, requestID: String? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.underlying = underlying
        self.code = code
        self.statusCode = statusCode
        self.vault = vault
        self.objectName = objectName
        self.objectType = objectType
        self.objectVersion = objectVersion
        self.operation = operation
        self.serviceErrorCode = serviceErrorCode
        self.innerErrorCode = innerErrorCode
        self.message = message
        self.recommendation = recommendation
        self.requestID = requestID
    }

    /// Two errors are equal when every field but ``underlying`` is (the rule of every error type in the suite).
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether they are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.statusCode == rhs.statusCode && lhs.vault == rhs.vault && lhs.objectName == rhs.objectName
            && lhs.objectType == rhs.objectType && lhs.objectVersion == rhs.objectVersion && lhs.operation == rhs.operation
            && lhs.serviceErrorCode == rhs.serviceErrorCode && lhs.innerErrorCode == rhs.innerErrorCode
            && lhs.message == rhs.message && lhs.recommendation == rhs.recommendation && lhs.requestID == rhs.requestID
    }

    /// Hashes the compared fields.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(statusCode)
        hasher.combine(vault)
        hasher.combine(objectName)
        hasher.combine(message)
    }

    /// For example: `failed to get secret 'db-password' (version latest) from vault 'v.vault.azure.net': HTTP 403
    /// Forbidden/ForbiddenByRbac: Caller is not authorized ... Assign the identity the "Key Vault Secrets User"
    /// role ...`.
    public var description: String {
        if objectType == nil, objectName == nil, statusCode == nil { return message }
        var text = "failed to \(operation)"
        if let objectType { text += " \(objectType)" }
        if let objectName { text += " '\(objectName)'" }
        if objectType != nil || objectName != nil {
            text += " (version \(objectVersion.flatMap { $0.isEmpty ? nil : $0 } ?? "latest"))"
        }
        text += " from vault '\(vault)': "
        if let statusCode { text += "HTTP \(statusCode) " }
        if let serviceErrorCode {
            text += serviceErrorCode + (innerErrorCode.map { "/\($0)" } ?? "") + ": "
        }
        text += message
        if let recommendation {
            // The service's message and our advice are separate sentences.
            while let last = text.last, last.isWhitespace { text.removeLast() }
            if let last = text.last, !".!?".contains(last) { text += "." }
            text += " " + recommendation
        }
        if let requestID { text += " (x-ms-request-id: \(requestID))" }
        return text
    }

    /// The kind of a ``KeyVaultError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The code's name.
        public var description: String { name }

        /// 404: the object or version does not exist (`SecretNotFound`, `KeyNotFound`, `CertificateNotFound`).
        public static let notFound = Code("notFound")
        /// 403: the identity may not read the object (`Forbidden`, `ForbiddenByRbac`, access policy missing).
        public static let forbidden = Code("forbidden")
        /// 401: Key Vault rejected the token or sent no usable challenge.
        public static let unauthorized = Code("unauthorized")
        /// 429: Key Vault throttled the request (after the retry policy gave up, if any).
        public static let throttled = Code("throttled")
        /// Another error status from Key Vault (400, 5xx, ...).
        public static let serviceError = Code("serviceError")
        /// The challenge's resource does not match the vault's domain: no token was sent.
        public static let challengeResourceMismatch = Code("challengeResourceMismatch")
        /// The `WWW-Authenticate` challenge could not be understood.
        public static let invalidChallenge = Code("invalidChallenge")
        /// The response body is not the JSON Key Vault sends.
        public static let invalidResponse = Code("invalidResponse")
        /// The vault URL is invalid or not HTTPS, or a `nextLink` points elsewhere.
        public static let invalidVaultURL = Code("invalidVaultURL")
        /// The vault name breaks Key Vault's naming rules.
        public static let invalidVaultName = Code("invalidVaultName")
        /// The object name is empty: refused before any request is sent.
        public static let invalidObjectName = Code("invalidObjectName")
    }
}
