import Foundation

/// The `objectFormat` of a `SecretProviderClass` object: how a certificate-backed secret is written.
public enum ObjectFormat: String, Sendable, Hashable, CaseIterable {
    /// PEM (the default): the PKCS#8 private key followed by the certificate chain.
    case pem
    /// PKCS#12: the PFX, as base64 text (binary with ``ObjectEncoding/base64``).
    case pfx

    /// Parses the parameter as the Go provider does: case-insensitively, the empty string meaning ``pem``.
    /// - Parameter text: The `objectFormat` value (surrounding whitespace ignored).
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidObjectFormat`` and the Go provider's text
    ///   `invalid objectFormat: <v>, should be PEM or PFX`.
    public init(parsing text: String) throws(ConversionError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed.lowercased() {
        case "", "pem": self = .pem
        case "pfx": self = .pfx
        default:
            throw ConversionError(code: .invalidObjectFormat, message: "invalid objectFormat: \(trimmed), should be PEM or PFX")
        }
    }
}
