/// An error of the provider server itself: its endpoint, socket or configuration (mount failures are gRPC statuses,
/// see ``MountStatus``).
public struct CSIProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The `--endpoint` is not a `unix://` path this server can listen on.
        public static let invalidEndpoint = Code("invalidEndpoint")
        /// Another server is listening on the socket path.
        public static let socketInUse = Code("socketInUse")
        /// The socket could not be created, bound or listened on.
        public static let socketFailed = Code("socketFailed")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong and what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
