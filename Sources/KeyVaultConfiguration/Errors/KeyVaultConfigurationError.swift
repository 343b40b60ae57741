/// An error of the Key Vault configuration provider: a value that does not convert to the type asked for, or an
/// invalid option. The message names the configuration key and the secret, never the value.
public struct KeyVaultConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A secret's value is not a valid value of the type the reader asked for.
        public static let notConvertible = Code("notConvertible")
        /// An option is invalid (a reload interval that is not positive, an empty secret name).
        public static let invalidOptions = Code("invalidOptions")

        /// The code's name.
        public var description: String { name }
    }

    /// The code.
    public var code: Code
    /// The explanation, naming the key and the secret but never the value.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: The explanation (must not contain the value).
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
