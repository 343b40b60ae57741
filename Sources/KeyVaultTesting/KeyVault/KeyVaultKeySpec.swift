/// The type and size of a key the emulator generates.
public enum KeyVaultKeySpec: Sendable, Hashable {
    /// An RSA key (`kty` `RSA`) of 2048, 3072 or 4096 bits.
    case rsa(bits: Int)
    /// An EC key (`kty` `EC`) on `P-256`, `P-384` or `P-521`.
    case ec(curve: String)

    /// An RSA 2048 key, Key Vault's default.
    public static let rsa2048 = KeyVaultKeySpec.rsa(bits: 2048)
    /// An EC P-256 key.
    public static let ecP256 = KeyVaultKeySpec.ec(curve: "P-256")
}
