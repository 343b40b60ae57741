import Foundation

/// One version of a secret.
struct SecretRecord: Sendable {
    var version: String
    var value: String
    var contentType: String?
    var enabled: Bool
    var created: Int64
    var updated: Int64
    var notBefore: Int64?
    var expires: Int64?
    var tags: [String: String]
    /// `keys/<name>/<version>` for a certificate-backed secret.
    var keyPath: String?
    var managed: Bool
}

/// One version of a key: the public JWK fields (base64url) and, when the emulator made or imported it, the
/// private key as PKCS#8 DER (never served).
struct KeyRecord: Sendable {
    var version: String
    var jwk: [String: JSONValue]
    var privateKeyPKCS8: Data?
    var enabled: Bool
    var created: Int64
    var updated: Int64
    var notBefore: Int64?
    var expires: Int64?
    var tags: [String: String]
    var managed: Bool
}

/// One version of a certificate: the leaf DER and the chain above it, and its policy facts.
struct CertificateRecord: Sendable {
    var version: String
    var certificateDER: Data
    var chainDER: [Data]
    var secretContentType: String
    var enabled: Bool
    var created: Int64
    var updated: Int64
    var notBefore: Int64
    var expires: Int64
    var tags: [String: String]
    var subject: String
    var issuerName: String
    var keyType: String
    var keySize: Int?
    var curve: String?
    var exportable: Bool
    var dnsNames: [String]
}

/// A vault: its objects, its tenant and who may do what.
struct VaultState: Sendable {
    var name: String
    var tenantID: String
    var permissionModel: KeyVaultPermissionModel
    var roleAssignments: [String: [KeyVaultRole]] = [:]
    var accessPolicies: [String: KeyVaultAccessPolicy] = [:]
    var secrets: [String: [SecretRecord]] = [:]
    var keys: [String: [KeyRecord]] = [:]
    var certificates: [String: [CertificateRecord]] = [:]
    var throttling: KeyVaultThrottling?
    var windowStart: Date?
    var windowCount = 0
    var counters = KeyVaultRequestCounters()
    var baseURL: URL?

    init(name: String, tenantID: String, permissionModel: KeyVaultPermissionModel) {
        self.name = name
        self.tenantID = tenantID
        self.permissionModel = permissionModel
    }

    /// Finds the objects of a kind by name, case-insensitively (Key Vault names are case-insensitive).
    func canonicalName<T>(_ name: String, in table: [String: T]) -> String? {
        if table[name] != nil { return name }
        return table.keys.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// A small JSON value, for JWK fields and policy documents that are built rather than decoded.
enum JSONValue: Sendable, Hashable, Encodable {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int64) { self = .number(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
