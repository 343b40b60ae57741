import COpenSSL
import Logging

/// The single entry point that turns a Key Vault secret, key or certificate into the bytes of the file the
/// provider writes, following the Go provider's rules (and fixing what it gets wrong).
///
/// - `key`: the JSON Web Key as a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM; P-256K is supported, `oct` is an error.
/// - `cert`: the DER certificate as one `CERTIFICATE` PEM block (the leaf only).
/// - `secret` without `kid`: the value, then ``ObjectEncoding`` applied.
/// - `secret` with `kid` (certificate-backed): `application/x-pkcs12` becomes the PKCS#8 `PRIVATE KEY` PEM
///   followed by the certificates ordered leaf -> root (``CertificateChainOrderer``), or with ``ObjectFormat/pfx``
///   the base64 PFX text as Key Vault returned it; `application/x-pem-file` is kept as it is (optionally
///   normalised), or with ``ObjectFormat/pfx`` turned into a PFX (which the Go provider cannot do, its issue
///   #1945). The encoding is applied last, as in Go, so `pfx` + `base64` writes the binary PFX.
///
/// PEM output uses Go's layout: 64-character lines, `\n` line ends, a trailing newline.
public enum ObjectConverter {
    /// The content type of a PKCS#12 certificate-backed secret.
    public static let pkcs12ContentType = "application/x-pkcs12"
    /// The content type of a PEM certificate-backed secret.
    public static let pemContentType = "application/x-pem-file"

    /// Converts a secret.
    /// - Parameters:
    ///   - secret: The secret bundle.
    ///   - format: The `objectFormat` (only certificate-backed secrets use it).
    ///   - encoding: The `objectEncoding`, applied last.
    ///   - normalizePEMCertificates: When `true`, an `application/x-pem-file` secret is rewritten like a PKCS#12
    ///     one (PKCS#8 key, chain ordered leaf -> root, Go PEM layout) instead of being kept verbatim (the Go
    ///     provider's behaviour, and the default).
    ///   - constructPEMChain: When `true` (the default, as the Go provider's `--construct-pem-chain`), the
    ///     certificates of a PKCS#12 secret are ordered leaf -> root; when `false` they keep the file's bag order.
    ///   - logger: Receives the incomplete-chain warning.
    /// - Returns: The file content.
    /// - Throws: ``ConversionError``; texts follow the Go provider (`secret value is nil`, `secret id is nil`,
    ///   `failed to get certificate. unknown content type '<t>'`, `illegal base64 data at input byte N`, ...).
    public static func convert(
        secret: SecretBundle,
        format: ObjectFormat = .pem,
        encoding: ObjectEncoding = .utf8,
        normalizePEMCertificates: Bool = false,
        constructPEMChain: Bool = true,
        logger: Logger
    ) throws -> [UInt8] {
        guard let value = secret.value else {
            throw ConversionError(code: .missingValue, message: "secret value is nil")
        }
        guard let id = secret.id, !id.isEmpty else {
            throw ConversionError(code: .missingID, message: "secret id is nil")
        }
        let content: String
        if let kid = secret.kid, !kid.isEmpty {
            content = try certificateSecretContent(
                value: value, contentType: secret.contentType, format: format,
                normalizePEM: normalizePEMCertificates, constructPEMChain: constructPEMChain, logger: logger
            )
        } else {
            content = value
        }
        return try encoding.decode(content)
    }

    /// Converts a key to its `PUBLIC KEY` PEM.
    /// - Parameter key: The key bundle.
    /// - Returns: The PEM text's bytes.
    /// - Throws: ``ConversionError`` (`key value is nil`, `key id is nil`, unsupported key type or curve,
    ///   malformed JWK).
    public static func convert(key: KeyBundle) throws -> [UInt8] {
        guard let jwk = key.key else {
            throw ConversionError(code: .missingValue, message: "key value is nil")
        }
        guard let kid = jwk.kid, !kid.isEmpty else {
            throw ConversionError(code: .missingID, message: "key id is nil")
        }
        return Array(try PublicKeyConverter.publicKeyPEM(of: jwk).utf8)
    }

    /// Converts a certificate to one `CERTIFICATE` PEM block (the leaf only, as Key Vault's `cer` holds).
    /// - Parameter certificate: The certificate bundle.
    /// - Returns: The PEM text's bytes.
    /// - Throws: ``ConversionError`` (`certificate value is nil`, `certificate id is nil`, malformed DER).
    public static func convert(certificate: CertificateBundle) throws -> [UInt8] {
        guard let der = certificate.cer else {
            throw ConversionError(code: .missingValue, message: "certificate value is nil")
        }
        guard let id = certificate.id, !id.isEmpty else {
            throw ConversionError(code: .missingID, message: "certificate id is nil")
        }
        _ = try CertificateSummary(der: der, index: 0)
        return Array(PEMBlock(type: "CERTIFICATE", bytes: der).encoded.utf8)
    }

    /// Converts a PKCS#12 file to PEM: the private key as PKCS#8 `PRIVATE KEY`, then the certificates ordered
    /// leaf -> intermediates -> root.
    /// - Parameters:
    ///   - pfx: The PKCS#12 bytes (binary).
    ///   - password: Its password (Key Vault uses the empty password).
    ///   - constructPEMChain: Order the certificates leaf -> root (default); `false` keeps the bag order.
    ///   - logger: Receives the incomplete-chain warning.
    /// - Returns: The PEM text.
    /// - Throws: ``ConversionError``; a file without a private key is ``ConversionError/Code/unsupportedConversion``.
    public static func pem(
        fromPKCS12 pfx: [UInt8], password: String = "", constructPEMChain: Bool = true, logger: Logger
    ) throws -> String {
        let bundle = try PKCS12Bundle.parse(pfx, password: password)
        guard let key = bundle.privateKeyPKCS8DER else {
            throw ConversionError(
                code: .unsupportedConversion,
                message: "the PKCS#12 file holds \(bundle.certificatesDER.count) certificate(s) but no private key"
            )
        }
        let chain = constructPEMChain
            ? try CertificateChainOrderer.order(bundle.certificatesDER, logger: logger) : bundle.certificatesDER
        let certificates = chain.map { PEMBlock(type: "CERTIFICATE", bytes: $0) }
        return PEMBlock.encode([PEMBlock(type: "PRIVATE KEY", bytes: key)] + certificates)
    }

    /// Builds a PKCS#12 file from PEM text holding a private key (PKCS#8, PKCS#1 or SEC1) and certificates.
    /// - Parameters:
    ///   - pem: The PEM text (as Key Vault stores an `application/x-pem-file` certificate).
    ///   - password: The PFX password (empty, as Key Vault's exports).
    /// - Returns: The PKCS#12 bytes (AES-256-CBC/PBKDF2, SHA-256 MAC).
    /// - Throws: ``ConversionError``.
    public static func pkcs12(fromPEM pem: String, password: String = "") throws -> [UInt8] {
        let parts = try pemParts(pem)
        guard parts.key != nil || !parts.certificates.isEmpty else {
            throw ConversionError(code: .invalidPEM, message: "the PEM text holds no private key or certificate")
        }
        return try PKCS12Bundle.build(
            privateKeyPKCS8DER: parts.key, certificatesDER: parts.certificates, password: password
        )
    }

    /// Splits PEM content into the certificates and the rest, as the Go provider's `splitCertAndKey` does for
    /// `--write-cert-and-key-in-separate-files` (`CERTIFICATE` blocks to `.crt`, every other block to `.key`),
    /// re-encoded in the Go PEM layout.
    /// - Parameter content: PEM content (the output of ``convert(secret:format:encoding:normalizePEMCertificates:constructPEMChain:logger:)``).
    /// - Returns: The certificate blocks and the other blocks, each as PEM text bytes.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidPEM``.
    public static func splitCertificatesAndKey(_ content: [UInt8]) throws -> (certificates: [UInt8], key: [UInt8]) {
        let blocks = try PEMBlock.parseAll(String(decoding: content, as: UTF8.self))
        let certificates = blocks.filter { $0.type == "CERTIFICATE" }
        let others = blocks.filter { $0.type != "CERTIFICATE" }
        return (Array(PEMBlock.encode(certificates).utf8), Array(PEMBlock.encode(others).utf8))
    }

    // MARK: - Certificate-backed secrets

    private static func certificateSecretContent(
        value: String, contentType: String?, format: ObjectFormat, normalizePEM: Bool, constructPEMChain: Bool,
        logger: Logger
    ) throws -> String {
        guard let contentType, !contentType.isEmpty else {
            throw ConversionError(
                code: .missingContentType,
                message: "failed to get certificate. the certificate-backed secret has no content type"
            )
        }
        switch contentType.lowercased() {
        case pkcs12ContentType:
            if format == .pfx { return value }
            let pfx = try Base64Text.decodeStrict(value)
            return try pem(fromPKCS12: pfx, constructPEMChain: constructPEMChain, logger: logger)
        case pemContentType:
            switch format {
            case .pfx:
                return Base64Text.encode(try pkcs12(fromPEM: value))
            case .pem:
                guard normalizePEM else { return value }
                let parts = try pemParts(value)
                let chain = try CertificateChainOrderer.order(parts.certificates, logger: logger)
                let keyBlocks = parts.key.map { [PEMBlock(type: "PRIVATE KEY", bytes: $0)] } ?? []
                return PEMBlock.encode(keyBlocks + chain.map { PEMBlock(type: "CERTIFICATE", bytes: $0) })
            }
        default:
            throw ConversionError(
                code: .unknownContentType,
                message: "failed to get certificate. unknown content type '\(contentType)'"
            )
        }
    }

    /// The private key (as PKCS#8) and certificates of PEM text.
    private static func pemParts(_ text: String) throws -> (key: [UInt8]?, certificates: [[UInt8]]) {
        var key: [UInt8]?
        var certificates: [[UInt8]] = []
        for block in try PEMBlock.parseAll(text) {
            switch block.type {
            case "CERTIFICATE":
                certificates.append(block.bytes)
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
                guard key == nil else {
                    throw ConversionError(code: .invalidPEM, message: "the PEM text holds more than one private key")
                }
                key = try OpenSSLLibraryContext.shared.withContext {
                    try OpenSSLCodec.pkcs8DER(fromAnyPrivateKeyDER: block.bytes)
                }
            case "ENCRYPTED PRIVATE KEY":
                throw ConversionError(code: .invalidPEM, message: "encrypted private keys are not supported")
            default:
                continue
            }
        }
        return (key, certificates)
    }
}
