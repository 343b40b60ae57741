import Foundation

/// One version of a Key Vault object, as listed by `.../versions`.
public struct KeyVaultObjectVersionInfo: Sendable, Hashable {
    /// The version ID (the last path segment of the object's `id`).
    public var version: String
    /// Whether the version is enabled.
    public var enabled: Bool
    /// When the version was created.
    public var created: Date?

    /// Creates a version record.
    public init(version: String, enabled: Bool, created: Date?) {
        self.version = version
        self.enabled = enabled
        self.created = created
    }
}

/// The file contents of one object version, converted as the object asks, and the version they came from.
public struct KeyVaultObjectContent: Sendable, Hashable {
    /// The bytes to write.
    public var contents: [UInt8]
    /// The Key Vault version ID the contents came from.
    public var version: String
    /// Whether the contents are a certificate-backed secret's PEM (private key and certificates), which
    /// `writeCertAndKeyInSeparateFiles` also splits into `<name>.crt` and `<name>.key`.
    public var isCertificatePEM: Bool

    /// Creates a content record.
    /// - Parameters:
    ///   - contents: The bytes to write.
    ///   - version: The Key Vault version ID.
    ///   - isCertificatePEM: Whether the contents are a certificate-backed secret's PEM.
    public init(contents: [UInt8], version: String, isCertificatePEM: Bool = false) {
        self.contents = contents
        self.version = version
        self.isCertificatePEM = isCertificatePEM
    }
}

extension KeyVaultObjectContent: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The version and size; never the contents.
    public var description: String { "KeyVaultObjectContent(version: \(version), \(contents.count) bytes)" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the size instead of the contents.
    public var customMirror: Mirror { Mirror(self, children: ["version": version, "contents": "<\(contents.count) bytes>"]) }
}

/// Reads objects from one vault and converts them to file contents.
///
/// The provider uses ``KeyVaultClientReader`` (Key Vault REST plus the `KeyVaultCore` conversions); tests and
/// callers with their own storage can supply another.
public protocol KeyVaultObjectReader: Sendable {
    /// Fetches one version (the current one when `version` is nil or empty) and converts it.
    /// - Parameters:
    ///   - object: The object and how to convert it.
    ///   - version: The version ID, or nil for the current version.
    /// - Returns: The converted bytes and the concrete version ID.
    func content(of object: ValidatedKeyVaultObject, version: String?) async throws -> KeyVaultObjectContent

    /// Lists every version of the object.
    /// - Parameter object: The object.
    /// - Returns: The versions, in any order.
    func versions(of object: ValidatedKeyVaultObject) async throws -> [KeyVaultObjectVersionInfo]
}
