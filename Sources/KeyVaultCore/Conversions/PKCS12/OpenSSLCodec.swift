import COpenSSL

/// Small helpers moving data between Swift arrays and OpenSSL's DER functions. Call them inside
/// ``OpenSSLLibraryContext/withContext(_:)``.
enum OpenSSLCodec {
    /// Runs an `i2d_*` style function twice (size, then bytes) and returns the bytes.
    static func serialize(
        _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) throws -> [UInt8] {
        let length = encode(nil)
        guard length > 0 else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(code: .invalidDER, message: "OpenSSL could not encode the structure (\(detail))")
        }
        var output = [UInt8](repeating: 0, count: Int(length))
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else {
            throw ConversionError(code: .invalidDER, message: "OpenSSL encoded an unexpected length")
        }
        return output
    }

    /// Runs a `d2i_*` decoder over `der`.
    /// - Parameters:
    ///   - der: The bytes.
    ///   - requireAll: Whether bytes left over after the structure make the input invalid.
    ///   - free: Frees a decoded structure that is then rejected.
    ///   - decoder: Calls the `d2i_*` function with the cursor and the length.
    /// - Returns: The owned structure, or `nil` when decoding failed (OpenSSL's error queue says why).
    static func decode(
        _ der: [UInt8],
        requireAll: Bool = true,
        free: (OpaquePointer) -> Void,
        _ decoder: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?
    ) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let decoded = decoder(&cursor, buffer.count) else { return nil }
            if requireAll, cursor != base + buffer.count {
                free(decoded)
                return nil
            }
            return decoded
        }
    }

    /// The DER encoding of an `X509 *`.
    static func derBytes(ofCertificate certificate: OpaquePointer) throws -> [UInt8] {
        try serialize { i2d_X509(certificate, $0) }
    }

    /// The unencrypted PKCS#8 encoding of an `EVP_PKEY *`.
    static func pkcs8DER(of key: OpaquePointer) throws -> [UInt8] {
        guard let info = EVP_PKEY2PKCS8(key) else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(code: .invalidDER, message: "OpenSSL could not encode the key as PKCS#8 (\(detail))")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        return try serialize { i2d_PKCS8_PRIV_KEY_INFO(info, $0) }
    }

    /// Decodes a PKCS#8 `PrivateKeyInfo` into an owned `EVP_PKEY *`.
    static func privateKey(fromPKCS8DER der: [UInt8]) throws -> OpaquePointer {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw ConversionError(code: .invalidDER, message: "the private key is empty")
        }
        let info = decode(der, free: { PKCS8_PRIV_KEY_INFO_free($0) }) { d2i_PKCS8_PRIV_KEY_INFO(nil, $0, $1) }
        guard let info else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(code: .invalidDER, message: "the private key is not PKCS#8 DER (\(detail))")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let key = EVP_PKCS82PKEY(info) else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(code: .invalidDER, message: "OpenSSL could not load the private key (\(detail))")
        }
        return key
    }

    /// Decodes one DER certificate into an owned `X509 *`.
    static func certificate(fromDER der: [UInt8], index: Int) throws -> OpaquePointer {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw ConversionError(code: .invalidDER, message: "certificate \(index) is empty")
        }
        let certificate = decode(der, free: { X509_free($0) }) { d2i_X509(nil, $0, $1) }
        guard let certificate else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(code: .invalidDER, message: "certificate \(index) is not DER X.509 (\(detail))")
        }
        return certificate
    }

    /// Re-encodes a private key given as PKCS#8, PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) DER as
    /// unencrypted PKCS#8 DER.
    static func pkcs8DER(fromAnyPrivateKeyDER der: [UInt8]) throws -> [UInt8] {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw ConversionError(code: .invalidDER, message: "the private key is empty")
        }
        let key = decode(der, requireAll: false, free: { EVP_PKEY_free($0) }) { d2i_AutoPrivateKey(nil, $0, $1) }
        guard let key else {
            let detail = OpenSSLLibraryContext.drainErrors().text
            throw ConversionError(
                code: .invalidDER,
                message: "the private key is not PKCS#8, PKCS#1 or SEC1 DER (\(detail))"
            )
        }
        defer { EVP_PKEY_free(key) }
        return try pkcs8DER(of: key)
    }
}
