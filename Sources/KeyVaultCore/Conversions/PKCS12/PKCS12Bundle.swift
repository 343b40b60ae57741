import COpenSSL
import Foundation

/// The contents of a PKCS#12 (PFX) file: an optional private key and the certificates, read and written with the
/// system OpenSSL.
///
/// OpenSSL reads every variant Key Vault and users produce: RC2-40 and 3DES (PBES1, with the legacy provider),
/// AES-256-CBC with PBKDF2 (PBES2), SHA-1, SHA-256 and SHA-512 MACs, RSA and EC keys, empty passwords. The input
/// is untrusted: anything malformed throws a ``ConversionError``; a file with certificates but no key parses with
/// ``privateKeyPKCS8DER`` set to `nil`.
public struct PKCS12Bundle: Sendable, Hashable {
    /// The private key as an unencrypted PKCS#8 `PrivateKeyInfo` (DER), or `nil` when the file holds no key.
    public var privateKeyPKCS8DER: [UInt8]?
    /// The certificates (DER). When OpenSSL found the certificate matching the private key, it comes first;
    /// the others follow in the order of the file's bags.
    public var certificatesDER: [[UInt8]]
    /// Whether the first of ``certificatesDER`` is the certificate that matches the private key.
    public var leafMatchesKey: Bool

    /// Creates a bundle from its parts.
    /// - Parameters:
    ///   - privateKeyPKCS8DER: The private key (PKCS#8 DER), if any.
    ///   - certificatesDER: The certificates (DER).
    ///   - leafMatchesKey: Whether the first certificate matches the key.
    public init(privateKeyPKCS8DER: [UInt8]?, certificatesDER: [[UInt8]], leafMatchesKey: Bool = false) {
        self.privateKeyPKCS8DER = privateKeyPKCS8DER
        self.certificatesDER = certificatesDER
        self.leafMatchesKey = leafMatchesKey
    }

    /// Whether the OpenSSL legacy provider (needed for RC2-40 encrypted bags) could be loaded in this process.
    public static var legacyAlgorithmsAvailable: Bool { OpenSSLLibraryContext.shared.legacyAvailable }

    /// Parses a PKCS#12 file.
    /// - Parameters:
    ///   - pfx: The DER bytes of the file (not base64).
    ///   - password: The password; Key Vault exports use the empty password (both the empty and the absent
    ///     password are tried, as OpenSSL does).
    /// - Returns: The key and certificates.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidPKCS12``,
    ///   ``ConversionError/Code/incorrectPKCS12Password`` or ``ConversionError/Code/unsupportedPKCS12Algorithm``.
    public static func parse(_ pfx: some Collection<UInt8>, password: String = "") throws -> PKCS12Bundle {
        try parse(pfx, password: password, library: .shared)
    }

    /// ``parse(_:password:)`` with an explicit OpenSSL library context (tests use one without the legacy provider).
    static func parse(
        _ pfx: some Collection<UInt8>, password: String, library: OpenSSLLibraryContext
    ) throws -> PKCS12Bundle {
        let bytes = Array(pfx)
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else {
            throw ConversionError(code: .invalidPKCS12, message: "the PKCS#12 data is empty or too large")
        }
        try PKCS12IterationCheck.check(bytes)
        return try library.withContext {
            let p12 = OpenSSLCodec.decode(bytes, requireAll: false, free: { PKCS12_free($0) }) { d2i_PKCS12(nil, $0, $1) }
            guard let p12 else {
                let detail = OpenSSLLibraryContext.drainErrors().text
                throw ConversionError(
                    code: .invalidPKCS12,
                    message: "the data is not a PKCS#12 (PFX) structure (\(detail))"
                )
            }
            defer { PKCS12_free(p12) }

            var key: OpaquePointer?
            var leaf: OpaquePointer?
            var others: OpaquePointer?
            let ok = password.withCString { PKCS12_parse(p12, $0, &key, &leaf, &others) }
            defer {
                if let key { EVP_PKEY_free(key) }
                if let leaf { X509_free(leaf) }
                kvc_sk_X509_pop_free(others)
            }
            guard ok == 1 else {
                throw parseFailure(legacyAvailable: library.legacyAvailable)
            }

            var certificates: [[UInt8]] = []
            if let leaf {
                certificates.append(try OpenSSLCodec.derBytes(ofCertificate: leaf))
            }
            let count = kvc_sk_X509_num(others)
            for index in 0..<count {
                if let certificate = kvc_sk_X509_value(others, index) {
                    certificates.append(try OpenSSLCodec.derBytes(ofCertificate: certificate))
                }
            }
            let keyDER = try key.map { try OpenSSLCodec.pkcs8DER(of: $0) }
            return PKCS12Bundle(
                privateKeyPKCS8DER: keyDER,
                certificatesDER: certificates,
                leafMatchesKey: leaf != nil && keyDER != nil
            )
        }
    }

    /// Builds a PKCS#12 file with OpenSSL 3's defaults: AES-256-CBC with PBKDF2 (HMAC-SHA-256) for the key and
    /// certificate bags and an HMAC-SHA-256 MAC.
    /// - Parameters:
    ///   - privateKeyPKCS8DER: The private key (PKCS#8 DER), or `nil` for a certificates-only file.
    ///   - certificatesDER: The certificates (DER). With a key, the certificate matching it becomes the file's
    ///     end-entity certificate (wherever it is in the list); the rest keep their order.
    ///   - password: The password (Key Vault uses the empty password).
    ///   - friendlyName: An optional friendly name attribute for the key and end-entity certificate.
    /// - Returns: The DER bytes of the PKCS#12 file.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidDER`` for a malformed key or certificate,
    ///   ``ConversionError/Code/keyCertificateMismatch`` when the key matches none of the certificates, or
    ///   ``ConversionError/Code/pkcs12BuildFailed``.
    public static func build(
        privateKeyPKCS8DER: [UInt8]?,
        certificatesDER: [[UInt8]],
        password: String = "",
        friendlyName: String? = nil
    ) throws -> [UInt8] {
        guard privateKeyPKCS8DER != nil || !certificatesDER.isEmpty else {
            throw ConversionError(
                code: .pkcs12BuildFailed,
                message: "a PKCS#12 file needs a private key or at least one certificate"
            )
        }
        return try OpenSSLLibraryContext.shared.withContext {
            var key: OpaquePointer?
            defer { if let key { EVP_PKEY_free(key) } }
            if let privateKeyPKCS8DER {
                key = try OpenSSLCodec.privateKey(fromPKCS8DER: privateKeyPKCS8DER)
            }

            var certificates: [OpaquePointer] = []
            defer { certificates.forEach { X509_free($0) } }
            for (index, der) in certificatesDER.enumerated() {
                certificates.append(try OpenSSLCodec.certificate(fromDER: der, index: index))
            }

            var leafIndex: Int?
            if let key, !certificates.isEmpty {
                leafIndex = certificates.firstIndex { X509_check_private_key($0, key) == 1 }
                ERR_clear_error()
                guard leafIndex != nil else {
                    throw ConversionError(
                        code: .keyCertificateMismatch,
                        message: "the private key does not match any of the \(certificates.count) certificate(s)"
                    )
                }
            }

            guard let stack = kvc_sk_X509_new_null() else {
                throw ConversionError(code: .pkcs12BuildFailed, message: "OpenSSL could not allocate a stack")
            }
            defer { kvc_sk_X509_pop_free(stack) }
            for (index, certificate) in certificates.enumerated() where index != leafIndex {
                // The stack takes its own reference.
                X509_up_ref(certificate)
                if kvc_sk_X509_push(stack, certificate) == 0 {
                    X509_free(certificate)
                    throw ConversionError(code: .pkcs12BuildFailed, message: "OpenSSL could not grow a stack")
                }
            }
            let leaf = leafIndex.map { certificates[$0] }

            let p12: OpaquePointer? = password.withCString { pass in
                if let friendlyName {
                    return friendlyName.withCString { name in
                        PKCS12_create(pass, name, key, leaf, stack, 0, 0, Self.iterations, Self.iterations, 0)
                    }
                }
                return PKCS12_create(pass, nil, key, leaf, stack, 0, 0, Self.iterations, Self.iterations, 0)
            }
            guard let p12 else {
                let detail = OpenSSLLibraryContext.drainErrors().text
                throw ConversionError(code: .pkcs12BuildFailed, message: "PKCS12_create failed (\(detail))")
            }
            defer { PKCS12_free(p12) }
            return try OpenSSLCodec.serialize { i2d_PKCS12(p12, $0) }
        }
    }
}

// MARK: - OpenSSL plumbing

extension PKCS12Bundle {
    /// The PBKDF2 and MAC iteration count of built files (OpenSSL's command-line default).
    static let iterations: Int32 = 2048

    /// Turns the OpenSSL error queue after a failed `PKCS12_parse` into a ``ConversionError``.
    private static func parseFailure(legacyAvailable: Bool) -> ConversionError {
        let (detail, codes) = OpenSSLLibraryContext.drainErrors()
        if codes.contains(where: { $0.library == ERR_LIB_PKCS12 && $0.reason == PKCS12_R_MAC_VERIFY_FAILURE }) {
            return ConversionError(
                code: .incorrectPKCS12Password,
                message: "the PKCS#12 MAC does not verify: wrong password or corrupted file (\(detail))"
            )
        }
        if detail.contains("unsupported") || detail.contains("fetch failed") {
            let hint = legacyAvailable
                ? ""
                : "; the OpenSSL legacy provider (legacy.so, needed for RC2-40) could not be loaded"
            return ConversionError(
                code: .unsupportedPKCS12Algorithm,
                message: "the PKCS#12 file uses an algorithm OpenSSL cannot run (\(detail))\(hint)"
            )
        }
        return ConversionError(code: .invalidPKCS12, message: "OpenSSL could not read the PKCS#12 file (\(detail))")
    }
}

extension PKCS12Bundle: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The shape of the bundle without the private key: whether there is a key, and how many certificates.
    public var description: String {
        "PKCS12Bundle(privateKey: \(privateKeyPKCS8DER == nil ? "nil" : "<redacted>"), certificates: \(certificatesDER.count), leafMatchesKey: \(leafMatchesKey))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the private key replaced by `<redacted>`, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "privateKeyPKCS8DER": privateKeyPKCS8DER == nil ? "nil" : "<redacted>",
                "certificates": certificatesDER.count, "leafMatchesKey": leafMatchesKey,
            ],
            displayStyle: .struct
        )
    }
}
