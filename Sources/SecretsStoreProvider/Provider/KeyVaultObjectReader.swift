import Foundation
import KeyVaultCore

/// The file contents of one object version, converted as the object asks, and the version they came from.
///
/// Why a type of its own: it is what a ``KeyVaultObjectReader`` returns for one object version, before any path or
/// mode is chosen (history, aliases and `.crt`/`.key` splits come later); ``MountedFile`` is a placed file of a
/// mount's ordered answer; `MountWriter`'s `ProjectedFile` is a file as the writer stores it (mode and owner).
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
/// The provider uses `KeyVaultClientReader` (Key Vault REST plus the `KeyVaultCore` conversions); tests and
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
    func versions(of object: ValidatedKeyVaultObject) async throws -> [KeyVaultObjectVersion]
}
