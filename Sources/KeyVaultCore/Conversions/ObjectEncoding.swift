import Foundation

/// The `objectEncoding` of a `SecretProviderClass` object: how a secret's value is decoded before it is written.
public enum ObjectEncoding: String, Sendable, Hashable, CaseIterable {
    /// The value's UTF-8 bytes as they are (the default).
    case utf8 = "utf-8"
    /// The value is standard base64; its decoded bytes are written.
    case base64
    /// The value is hexadecimal; its decoded bytes are written.
    case hex

    /// Parses the parameter as the Go provider does: case-insensitively, the empty string meaning ``utf8``.
    /// - Parameter text: The `objectEncoding` value (surrounding whitespace ignored).
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidObjectEncoding`` and the Go provider's
    ///   text `invalid objectEncoding: <v>, should be hex, base64 or utf-8`.
    public init(parsing text: String) throws(ConversionError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed.lowercased() {
        case "", "utf-8": self = .utf8
        case "base64": self = .base64
        case "hex": self = .hex
        default:
            throw ConversionError(
                code: .invalidObjectEncoding,
                message: "invalid objectEncoding: \(trimmed), should be hex, base64 or utf-8"
            )
        }
    }

    /// Decodes a secret's value with this encoding (Go's `getContentBytes`).
    /// - Parameter value: The value text.
    /// - Returns: The bytes to write.
    /// - Throws: ``ConversionError`` (``ConversionError/Code/invalidBase64`` with Go's
    ///   `illegal base64 data at input byte N`, or ``ConversionError/Code/invalidHex``).
    public func decode(_ value: String) throws -> [UInt8] {
        switch self {
        case .utf8: return Array(value.utf8)
        case .base64: return try Base64Text.decodeStrict(value)
        case .hex: return try HexText.decode(value)
        }
    }
}
