/// An error from the provider: a bad `SecretProviderClass`, a missing identity input, or a failed fetch.
///
/// ``message`` keeps the Go provider's wording where users search for it (for example
/// `keyvaultName is not provided` or `failed to parse usePodIdentity flag, error: ...`), so existing runbooks
/// still match. An error never contains a secret value, a token or a client secret.
///
/// When a lower layer failed, ``underlying`` keeps its error as a typed value (a `KeyVaultCore.KeyVaultError`, an
/// `IdentityProviders.IdentityError`, an `AzureCore.AzureCoreError`, a `KeyVaultCore.ConversionError`), so a
/// caller can tell a 403 from a 404 from an unreachable endpoint without parsing ``message``. Two errors are equal
/// when their code, message and object index are equal; the underlying error does not take part.
public struct SecretsStoreProviderError: Error, Sendable, Hashable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Kind: String, Hashable, Sendable {
            case invalidManifest, invalidParameter, missingParameter, invalidIdentity, unsupportedIdentity
            case invalidObject, duplicateFile, fetchFailed, conversionFailed, writeFailed, timedOut
        }
        fileprivate let kind: Kind

        /// The manifest or one of the JSON inputs could not be read.
        public static let invalidManifest = Code(kind: .invalidManifest)
        /// A parameter has a value that cannot be used.
        public static let invalidParameter = Code(kind: .invalidParameter)
        /// A required parameter is missing.
        public static let missingParameter = Code(kind: .missingParameter)
        /// The identity inputs (client ID, service-account token, node-publish secret) are incomplete or wrong.
        public static let invalidIdentity = Code(kind: .invalidIdentity)
        /// The identity mode is one this provider refuses (pod identity, identity binding).
        public static let unsupportedIdentity = Code(kind: .unsupportedIdentity)
        /// An entry of `objects` is invalid.
        public static let invalidObject = Code(kind: .invalidObject)
        /// Two objects would be written to the same file.
        public static let duplicateFile = Code(kind: .duplicateFile)
        /// Fetching an object from Key Vault (or a token for it) failed.
        public static let fetchFailed = Code(kind: .fetchFailed)
        /// An object was fetched but could not be converted to its file contents.
        public static let conversionFailed = Code(kind: .conversionFailed)
        /// The files could not be written.
        public static let writeFailed = Code(kind: .writeFailed)
        /// The mount did not finish within ``ProviderConfiguration/mountTimeout``; the files on disk are unchanged.
        public static let timedOut = Code(kind: .timedOut)

        /// The code's name.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, in the Go provider's words where it has them.
    public var message: String
    /// The index of the offending entry in `objects`, when one is at fault.
    public var objectIndex: Int?
    /// The lower-layer error that caused this one, when there was one.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The message shown to the user.
    ///   - objectIndex: The offending entry of `objects`, if any.
    ///   - underlying: The lower-layer error that caused it, if any.
    public init(_ code: Code, _ message: String, objectIndex: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.objectIndex = objectIndex
        self.underlying = underlying
    }

    /// Equal code, message and object index.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.objectIndex == rhs.objectIndex
    }

    /// Hashes the code, message and object index.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(objectIndex)
    }
}

extension SecretsStoreProviderError: CustomStringConvertible {
    /// The message.
    public var description: String { message }
}
