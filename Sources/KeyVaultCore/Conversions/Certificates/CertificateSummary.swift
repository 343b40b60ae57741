import COpenSSL

/// What chain ordering needs to know about one certificate, read with OpenSSL.
struct CertificateSummary: Sendable, Hashable {
    /// The certificate, DER.
    let der: [UInt8]
    /// The subject name, DER.
    let subject: [UInt8]
    /// The issuer name, DER.
    let issuer: [UInt8]
    /// The subject key identifier, when the certificate has the extension.
    let subjectKeyID: [UInt8]?
    /// The authority key identifier's `keyIdentifier`, when present.
    let authorityKeyID: [UInt8]?

    /// Reads a DER certificate.
    /// - Parameters:
    ///   - der: The certificate.
    ///   - index: Its position, for error messages.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidDER``.
    init(der: [UInt8], index: Int) throws {
        let summary = try OpenSSLLibraryContext.shared.withContext { () throws -> CertificateSummary in
            let certificate = try OpenSSLCodec.certificate(fromDER: der, index: index)
            defer { X509_free(certificate) }
            guard let subjectName = X509_get_subject_name(certificate),
                  let issuerName = X509_get_issuer_name(certificate)
            else {
                throw ConversionError(code: .invalidDER, message: "certificate \(index) has no subject or issuer")
            }
            let subject = try OpenSSLCodec.serialize { i2d_X509_NAME(subjectName, $0) }
            let issuer = try OpenSSLCodec.serialize { i2d_X509_NAME(issuerName, $0) }
            let ski = Self.bytes(of: X509_get0_subject_key_id(certificate))
            let aki = Self.bytes(of: X509_get0_authority_key_id(certificate))
            return CertificateSummary(der: der, subject: subject, issuer: issuer, subjectKeyID: ski, authorityKeyID: aki)
        }
        self = summary
    }

    private init(der: [UInt8], subject: [UInt8], issuer: [UInt8], subjectKeyID: [UInt8]?, authorityKeyID: [UInt8]?) {
        self.der = der
        self.subject = subject
        self.issuer = issuer
        self.subjectKeyID = subjectKeyID
        self.authorityKeyID = authorityKeyID
    }

    private static func bytes(of string: UnsafePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let string else { return nil }
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
