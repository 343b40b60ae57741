import KeyVaultCore

/// One entry of a `SecretProviderClass`'s `objects` list: which Key Vault object to fetch and how to write it.
///
/// Field names and defaults are the Go provider's. Values are trimmed of surrounding whitespace as it does.
/// ``validated(index:)`` checks everything up front (the Go provider checks `objectType` only at fetch time, and
/// never checks `filePermission`).
public struct KeyVaultObject: Sendable, Hashable {
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

    /// The largest `objectVersionHistory` accepted: 10,000.
    ///
    /// Key Vault lists 25 versions per page, so a history this deep is already 400 list requests per object and
    /// rotation round. Memory and time follow the versions that exist, never this number: nothing is allocated per
    /// requested slot. A larger value is refused with an error that names it (the Go provider takes any `int32`).
    public static let maximumVersionHistory: Int32 = 10_000
}

/// A ``KeyVaultObject`` whose every field was checked and parsed.
public struct ValidatedKeyVaultObject: Sendable, Hashable {
    /// The object as written in the `SecretProviderClass`, trimmed.
    public var source: KeyVaultObject
    /// The index of the entry in `objects`.
    public var index: Int
    /// The parsed object type.
    public var type: KeyVaultObjectType
    /// The parsed `objectFormat` (`ObjectFormat.pem` unless `pfx`).
    public var format: ObjectFormat
    /// The parsed `objectEncoding` (secrets only; `ObjectEncoding.utf8` otherwise).
    public var encoding: ObjectEncoding
    /// The parsed file mode, when `filePermission` is set.
    public var fileMode: UInt32?

    /// The relative paths this object may be written to: `<alias>`, or `<alias>/0` ... `<alias>/N-1` with history.
    ///
    /// A lazy collection: it holds no array of N paths, however large `objectVersionHistory` is.
    public var filePaths: LazyMapSequence<Range<Int>, String> {
        let name = source.fileName
        if source.isSingleVersion { return (0..<1).lazy.map { _ in name } }
        return (0..<Int(source.objectVersionHistory)).lazy.map { "\(name)/\($0)" }
    }

    /// Whether this object may write the file at `path` (one of ``filePaths``), found without listing them.
    func mayWrite(_ path: Substring) -> Bool {
        let name = source.fileName
        if source.isSingleVersion { return path == name }
        guard let slash = path.lastIndex(of: "/"), path[..<slash] == name else { return false }
        let last = path[path.index(after: slash)...]
        // Only the canonical decimal form names a history file ("07" does not).
        guard let index = Int(last), String(index) == last else { return false }
        return index >= 0 && index < Int(source.objectVersionHistory)
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
        guard let type = KeyVaultObjectType(rawValue: objectType.lowercased()) else {
            throw fail("Invalid vaultObjectTypes. Should be secret, key, or cert")
        }
        let format: ObjectFormat
        do { format = try ObjectFormat(parsing: objectFormat) } catch { throw fail(error.message) }
        if format == .pfx && type != .secret {
            throw fail("PFX format only supported for objectType: secret")
        }
        let encoding: ObjectEncoding
        do { encoding = try ObjectEncoding(parsing: objectEncoding) } catch { throw fail(error.message) }
        if !objectEncoding.isEmpty && type != .secret {
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
        if objectVersionHistory > Self.maximumVersionHistory {
            throw fail(
                "objectVersionHistory must be at most \(Self.maximumVersionHistory), got \(objectVersionHistory) (the number of versions to write as files <alias>/0 ... <alias>/N-1)"
            )
        }
        return ValidatedKeyVaultObject(
            source: self, index: index, type: type, format: format, encoding: encoding, fileMode: mode
        )
    }
}
