/// An error raised by a test emulator or its support types (never by a request handler: those answer with the
/// service's own error JSON).
public struct EmulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable value tests can compare.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The emulator was configured with an invalid value.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The server could not start or reported no port.
        public static let serverStartFailed = Code("serverStartFailed")
        /// A token was malformed, badly signed or expired.
        public static let invalidToken = Code("invalidToken")
        /// A referenced registration (tenant, app, identity) does not exist.
        public static let notRegistered = Code("notRegistered")

        /// The code's name.
        public var description: String { name }
    }

    /// The error code.
    public var code: Code
    /// A human-readable explanation (never contains a secret or token).
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: The explanation.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
