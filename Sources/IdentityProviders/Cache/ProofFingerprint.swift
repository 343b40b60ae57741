import Crypto
import Foundation

/// A short, unguessable tag of a credential's proof (a client secret, a service-account token), for token cache
/// keys: two credentials sharing a ``TokenCache`` share a token only when they hold the same proof.
///
/// The tag is an HMAC-SHA256 under a key drawn at random once per process, truncated to 128 bits: it identifies a
/// proof within the process, cannot be checked against a guessed secret outside it, and may appear in trace logs
/// (cache keys are logged) without revealing anything.
public enum ProofFingerprint {
    /// The per-process HMAC key (immutable once created).
    private static let key = SymmetricKey(size: .bits256)

    /// The tag of a proof.
    /// - Parameter proof: The secret value.
    /// - Returns: 32 lowercase hex digits.
    public static func of(_ proof: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(proof.utf8), using: key)
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
