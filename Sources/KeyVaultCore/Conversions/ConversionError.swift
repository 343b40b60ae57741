/// An error raised while converting Key Vault material (a secret value, a JSON Web Key, a certificate, a PKCS#12
/// file) into the bytes written to a file.
///
/// Every conversion reads untrusted input, so malformed base64, PEM, DER, JWK or PKCS#12 data ends in one of these
/// errors, never in a crash. The ``message`` repeats the Go provider's wording where users search for it (for
/// example `failed to get certificate. unknown content type 'x'`). It never contains secret material.
public struct ConversionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, comparable value.
    public var code: Code
    /// A human-readable explanation, without any secret material.
    public var message: String

    /// Creates a conversion error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The explanation shown to the user.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The explanation alone (``message``), so that wrapped messages read like the Go provider's.
    public var description: String { message }

    /// Two errors are equal when their code and message are (the rule of every error type in the suite: every field
    /// but a typed cause).
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether they are equal.
    public static func == (lhs: ConversionError, rhs: ConversionError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// Hashes the compared fields.
    /// - Parameter hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    /// The kind of a ``ConversionError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The code's name.
        public var description: String { name }

        /// Text that should be base64 is not.
        public static let invalidBase64 = Code("invalidBase64")
        /// Text that should be hexadecimal is not.
        public static let invalidHex = Code("invalidHex")
        /// Text that should be PEM is not, or holds no usable block.
        public static let invalidPEM = Code("invalidPEM")
        /// Bytes that should be a DER structure (certificate, private key) are not.
        public static let invalidDER = Code("invalidDER")
        /// A JSON Web Key is missing a field or has one of the wrong length.
        public static let invalidJWK = Code("invalidJWK")
        /// The key type (`kty`) cannot be written as a public key (`oct`, `oct-HSM`, unknown types).
        public static let unsupportedKeyType = Code("unsupportedKeyType")
        /// The elliptic curve (`crv`) is not one Key Vault uses.
        public static let unsupportedCurve = Code("unsupportedCurve")
        /// The bytes are not a PKCS#12 (PFX) file, or OpenSSL could not read it.
        public static let invalidPKCS12 = Code("invalidPKCS12")
        /// The PKCS#12 password is wrong (the MAC does not verify or a bag does not decrypt).
        public static let incorrectPKCS12Password = Code("incorrectPKCS12Password")
        /// The PKCS#12 file uses an algorithm this OpenSSL cannot run (for example RC2-40 without the legacy
        /// provider).
        public static let unsupportedPKCS12Algorithm = Code("unsupportedPKCS12Algorithm")
        /// Building a PKCS#12 file failed.
        public static let pkcs12BuildFailed = Code("pkcs12BuildFailed")
        /// A private key does not belong to any of the certificates it is bundled with.
        public static let keyCertificateMismatch = Code("keyCertificateMismatch")
        /// A certificate-backed secret has no content type.
        public static let missingContentType = Code("missingContentType")
        /// A certificate-backed secret has a content type other than PKCS#12 or PEM.
        public static let unknownContentType = Code("unknownContentType")
        /// The certificates' issuer links form a cycle.
        public static let certificateChainCycle = Code("certificateChainCycle")
        /// No certificate is a leaf (every one issues another).
        public static let noLeafFound = Code("noLeafFound")
        /// The bundle has no value (secret value, key, certificate bytes).
        public static let missingValue = Code("missingValue")
        /// The bundle has no identifier.
        public static let missingID = Code("missingID")
        /// `objectFormat` is not `pem` or `pfx`.
        public static let invalidObjectFormat = Code("invalidObjectFormat")
        /// `objectEncoding` is not `utf-8`, `base64` or `hex`.
        public static let invalidObjectEncoding = Code("invalidObjectEncoding")
        /// The requested output cannot be produced from this input (for example a PFX without a private key).
        public static let unsupportedConversion = Code("unsupportedConversion")
    }
}
