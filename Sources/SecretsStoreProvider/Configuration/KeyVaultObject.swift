/// One entry of a `SecretProviderClass`'s `objects` list: which Key Vault object to fetch and how to write it.
///
/// Field names and defaults are the Go provider's. Values are trimmed of surrounding whitespace as it does.
/// ``validated(index:)`` checks everything up front (the Go provider checks `objectType` only at fetch time, and
/// never checks `filePermission`).
public struct KeyVaultObject: Sendable, Hashable {
    /// The object's kind in Key Vault.
    public enum ObjectType: String, Sendable, Hashable, CaseIterable {
        /// A secret (`/secrets/{name}`); a certificate's backing secret holds its private key.
        case secret
        /// A key (`/keys/{name}`), written as its public key.
        case key
        /// A certificate (`/certificates/{name}`), written as the leaf certificate.
        case cert
    }

    /// `objectName`: the object's name in Key Vault.
    public var objectName: String
    /// `objectAlias`: the file name; `objectName` when empty.
    public var objectAlias: String
    /// `objectType` as written (`secret`, `key` or `cert`, matched case-insensitively).
    public var objectType: String
    /// `objectVersion`: a version ID; empty means the current one. `latest` is special only with history.
    public var objectVersion: String
    /// `objectVersionHistory`: the number of versions to write (as `<alias>/0` ... `<alias>/N-1`); 0 or 1 means
    /// one version written as `<alias>`.
    public var objectVersionHistory: Int32
    /// `objectFormat`: `pem` (default) or `pfx`.
    public var objectFormat: String
    /// `objectEncoding`: `utf-8` (default), `base64` or `hex`.
    public var objectEncoding: String
    /// `filePermission`: an octal file mode such as `0600`; empty means the mount's default.
    public var filePermission: String

    /// Creates an object entry.
    public init(
        objectName: String,
        objectAlias: String = "",
        objectType: String,
        objectVersion: String = "",
        objectVersionHistory: Int32 = 0,
        objectFormat: String = "",
        objectEncoding: String = "",
        filePermission: String = ""
    ) {
        self.objectName = objectName
        self.objectAlias = objectAlias
        self.objectType = objectType
        self.objectVersion = objectVersion
        self.objectVersionHistory = objectVersionHistory
        self.objectFormat = objectFormat
        self.objectEncoding = objectEncoding
        self.filePermission = filePermission
    }

    /// The file name: `objectAlias`, or `objectName` when no alias is set.
    public var fileName: String { objectAlias.isEmpty ? objectName : objectAlias }

    /// Whether exactly one version is written (`objectVersionHistory` of 0 or 1).
    public var isSingleVersion: Bool { objectVersionHistory <= 1 }
}

/// A ``KeyVaultObject`` whose every field was checked and parsed.
public struct ValidatedKeyVaultObject: Sendable, Hashable {
    /// The object as written in the `SecretProviderClass`, trimmed.
    public var source: KeyVaultObject
    /// The index of the entry in `objects`.
    public var index: Int
    /// The parsed object type.
    public var type: KeyVaultObject.ObjectType
    /// `true` for `objectFormat: pfx`.
    public var wantsPFX: Bool
    /// The parsed encoding (secrets only; `.utf8` otherwise).
    public var encoding: ObjectEncodingName
    /// The parsed file mode, when `filePermission` is set.
    public var fileMode: UInt32?

    /// The encodings `objectEncoding` accepts.
    public enum ObjectEncodingName: String, Sendable, Hashable {
        /// The value as is.
        case utf8 = "utf-8"
        /// The value is base64 and is decoded before writing.
        case base64
        /// The value is hex and is decoded before writing.
        case hex
    }

    /// The relative paths this object is written to: `<alias>`, or `<alias>/0` ... `<alias>/N-1` with history.
    public var filePaths: [String] {
        if source.isSingleVersion { return [source.fileName] }
        return (0..<Int(source.objectVersionHistory)).map { "\(source.fileName)/\($0)" }
    }

    /// The object-version ID reported for the file at `historyIndex`: `<type>/<name>` or `<type>/<name>/<index>`.
    public func versionID(historyIndex: Int?) -> String {
        let base = "\(type.rawValue)/\(source.objectName)"
        guard let historyIndex else { return base }
        return "\(base)/\(historyIndex)"
    }
}

extension KeyVaultObject {
    /// Checks every field and parses the type, format, encoding and file permission.
    ///
    /// Messages are the Go provider's, wrapped as it wraps them
    /// (`failed to get objectType:<t>, objectName:<n>, objectVersion:<v>: <reason>`).
    /// - Parameter index: The entry's index in `objects`, for the error.
    /// - Returns: The validated object.
    /// - Throws: ``SecretsStoreProviderError`` with code `invalidObject`.
    public func validated(index: Int) throws(SecretsStoreProviderError) -> ValidatedKeyVaultObject {
        func fail(_ reason: String) -> SecretsStoreProviderError {
            SecretsStoreProviderError(
                .invalidObject,
                "failed to get objectType:\(objectType), objectName:\(objectName), objectVersion:\(objectVersion): \(reason)",
                objectIndex: index
            )
        }
        if objectName.isEmpty {
            throw fail("objectName is not set")
        }
        guard let type = ObjectType(rawValue: objectType.lowercased()) else {
            throw fail("Invalid vaultObjectTypes. Should be secret, key, or cert")
        }
        // objectFormat
        let format = objectFormat.lowercased()
        guard format.isEmpty || format == "pem" || format == "pfx" else {
            throw fail("invalid objectFormat: \(objectFormat), should be PEM or PFX")
        }
        if format == "pfx" && type != .secret {
            throw fail("PFX format only supported for objectType: secret")
        }
        // objectEncoding
        let encodingText = objectEncoding.lowercased()
        let encoding: ValidatedKeyVaultObject.ObjectEncodingName
        switch encodingText {
        case "", "utf-8": encoding = .utf8
        case "base64": encoding = .base64
        case "hex": encoding = .hex
        default: throw fail("invalid objectEncoding: \(objectEncoding), should be hex, base64 or utf-8")
        }
        if !encodingText.isEmpty && type != .secret {
            throw fail("objectEncoding only supported for objectType: secret")
        }
        // file name
        if let problem = FilePathRules.problem(withFileName: fileName) { throw fail(problem) }
        // filePermission
        var mode: UInt32?
        if !filePermission.isEmpty {
            guard let parsed = UInt32(filePermission, radix: 8), parsed <= 0o777 else {
                throw fail(
                    "file permission must be a valid octal number: strconv.ParseInt: parsing \(GoValueParsing.goQuote(filePermission)): invalid syntax (expected an octal mode between 0000 and 0777, such as 0644)"
                )
            }
            mode = parsed
        }
        if objectVersionHistory < 0 {
            throw fail("objectVersionHistory must not be negative, got \(objectVersionHistory)")
        }
        return ValidatedKeyVaultObject(
            source: self, index: index, type: type, wantsPFX: format == "pfx", encoding: encoding, fileMode: mode
        )
    }
}
