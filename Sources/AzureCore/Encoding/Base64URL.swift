import Foundation

/// Base64url without padding (RFC 4648 §5), as JWTs, JWK fields and Key Vault skip tokens use it: the one helper of
/// the package (package access: not part of the public API).
package enum Base64URL {
    /// Encodes bytes as base64url without padding.
    /// - Parameter data: The bytes.
    /// - Returns: The text.
    package static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url text, with or without padding.
    /// - Parameter string: The text.
    /// - Returns: The bytes, or nil when the text is not base64url.
    package static func decode(_ string: some StringProtocol) -> Data? {
        var text = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }
}
