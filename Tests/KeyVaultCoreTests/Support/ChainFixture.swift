import Foundation

/// A certificate chain made by the `openssl` command line: a root, `intermediates` intermediates and a leaf,
/// EC P-256 keys (fast to generate).
struct ChainFixture {
    /// Certificate PEM file names, leaf first: `leaf.crt`, `int<n>.crt` (nearest to the leaf first), `root.crt`.
    let files: [String]
    /// The DER of each, in the same order (leaf first).
    let ders: [[UInt8]]
    /// The PEM text of each, as `openssl x509` writes it (leaf first).
    let pems: [String]
    /// The leaf's key file.
    let leafKey: String

    /// - Parameters:
    ///   - tool: Where to generate.
    ///   - intermediates: How many intermediates.
    ///   - leafKeyIdentifiers: Whether the leaf has SKI/AKI (`.both`, `.akiOnly`, `.none`).
    ///   - leafKeyKind: The leaf's key (`P-256`, `rsa:2048`, ...).
    enum LeafIdentifiers { case both, akiOnly, none }

    static func make(
        _ tool: OpenSSLTool, intermediates: Int, leafKeyIdentifiers: LeafIdentifiers = .both,
        leafKeyKind: String = "P-256"
    ) throws -> ChainFixture {
        try tool.generateKey("root.key", "P-256")
        try tool.selfSigned("root.crt", key: "root.key", subject: "/CN=Test Root CA", ca: true)
        var issuer = ("root.crt", "root.key")
        var issued: [String] = []
        for index in 1...max(intermediates, 1) where intermediates > 0 {
            let name = "int\(index)"
            try tool.generateKey("\(name).key", "P-256")
            try tool.issue("\(name).crt", key: "\(name).key", subject: "/CN=Test Intermediate \(index)",
                           issuerCert: issuer.0, issuerKey: issuer.1, ca: true)
            issued.append("\(name).crt")
            issuer = ("\(name).crt", "\(name).key")
        }
        try tool.generateKey("leaf.key", leafKeyKind)
        switch leafKeyIdentifiers {
        case .both:
            try tool.issue("leaf.crt", key: "leaf.key", subject: "/CN=leaf.example.com", issuerCert: issuer.0,
                           issuerKey: issuer.1, ca: false)
        case .none:
            try tool.issue("leaf.crt", key: "leaf.key", subject: "/CN=leaf.example.com", issuerCert: issuer.0,
                           issuerKey: issuer.1, ca: false, withKeyIdentifiers: false)
        case .akiOnly:
            let csr = "leaf.csr"
            try tool.run(["req", "-new", "-key", "leaf.key", "-out", csr, "-subj", "/CN=leaf.example.com"])
            try tool.write("leaf.ext", Array("basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=keyid:always\n".utf8))
            try tool.run(["x509", "-req", "-in", csr, "-CA", issuer.0, "-CAkey", issuer.1, "-set_serial", "0x77",
                          "-out", "leaf.crt", "-days", "2", "-extfile", "leaf.ext"])
        }
        let files = ["leaf.crt"] + issued.reversed() + ["root.crt"]
        let ders = try files.map { try tool.certificateDER($0) }
        let pems = try files.map { String(decoding: try tool.run(["x509", "-in", $0]), as: UTF8.self) }
        return ChainFixture(files: files, ders: ders, pems: pems, leafKey: "leaf.key")
    }
}

/// Every permutation of an array (for "given in every order" tests).
func permutations<T>(_ items: [T]) -> [[T]] {
    guard items.count > 1 else { return [items] }
    var result: [[T]] = []
    for (index, item) in items.enumerated() {
        var rest = items
        rest.remove(at: index)
        for tail in permutations(rest) { result.append([item] + tail) }
    }
    return result
}

/// Base64url without padding, as Key Vault writes JWK fields.
func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}
