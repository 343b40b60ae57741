/// A string that is never printed: a client secret, an assertion, a password.
///
/// ``description``, ``debugDescription``, string interpolation and `dump`/`Mirror` show ``Redaction/placeholder``; read the value
/// with ``revealed`` only where it is sent.
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    /// The secret value. Never log it.
    public let revealed: String

    /// Wraps a secret value.
    /// - Parameter value: The value.
    public init(_ value: String) { self.revealed = value }

    /// Wraps a literal secret value (tests).
    /// - Parameter value: The literal.
    public init(stringLiteral value: String) { self.revealed = value }

    /// Whether the value is empty.
    public var isEmpty: Bool { revealed.isEmpty }

    /// Always ``Redaction/placeholder``.
    public var description: String { Redaction.placeholder }

    /// Always ``Redaction/placeholder``.
    public var debugDescription: String { Redaction.placeholder }

    /// A mirror whose only child is ``Redaction/placeholder``, so `dump` and reflection never show the value.
    public var customMirror: Mirror { Mirror(self, children: ["value": Redaction.placeholder], displayStyle: .struct) }
}
