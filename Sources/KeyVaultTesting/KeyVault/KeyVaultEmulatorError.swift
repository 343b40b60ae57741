import AzureCoreTesting
/// An error from the Key Vault emulator's Swift API (seeding and configuration), never from HTTP handling.
public struct KeyVaultEmulatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case vaultNotFound, vaultExists, objectNotFound, invalidArgument, invalidCertificateMaterial
            case notServing
        }
        fileprivate var backing: Backing
        /// No vault has this name.
        public static let vaultNotFound = Code(backing: .vaultNotFound)
        /// A vault with this name exists already.
        public static let vaultExists = Code(backing: .vaultExists)
        /// The object or version does not exist.
        public static let objectNotFound = Code(backing: .objectNotFound)
        /// An argument is not valid (name, size, curve, seed field, ...).
        public static let invalidArgument = Code(backing: .invalidArgument)
        /// Certificate or key material could not be parsed or built.
        public static let invalidCertificateMaterial = Code(backing: .invalidCertificateMaterial)
        /// The emulator is not serving (no base URL yet).
        public static let notServing = Code(backing: .notServing)
        /// The code's name.
        public var description: String { backing.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The vault concerned, if any.
    public var vault: String?
    /// The object concerned (`secrets/name[/version]`), if any.
    public var object: String?
    /// Details (never a secret value).
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - vault: The vault concerned.
    ///   - object: The object concerned.
    ///   - message: Details, never a secret value.
    public init(code: Code, vault: String? = nil, object: String? = nil, message: String) {
        self.code = code
        self.vault = vault
        self.object = object
        self.message = message
    }

    /// A one-line summary.
    public var description: String {
        var text = "KeyVaultEmulatorError(\(code))"
        if let vault { text += " vault=\(vault)" }
        if let object { text += " object=\(object)" }
        return text + ": \(message)"
    }
}
