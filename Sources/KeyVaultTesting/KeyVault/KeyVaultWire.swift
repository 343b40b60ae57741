import Foundation
import HTTPTypes

/// Builds Key Vault's JSON bodies (bundles, items, pages, errors) from the stored records.
enum KeyVaultWire {
    static let recoveryLevel: JSONValue = "Recoverable+Purgeable"
    static let recoverableDays: JSONValue = 90

    static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func tags(_ tags: [String: String]) -> JSONValue {
        .object(tags.mapValues { .string($0) })
    }

    // MARK: Secrets

    static func secretAttributes(_ record: SecretRecord) -> JSONValue {
        var attributes: [String: JSONValue] = [
            "enabled": .bool(record.enabled), "created": .number(record.created), "updated": .number(record.updated),
            "recoveryLevel": recoveryLevel, "recoverableDays": recoverableDays,
        ]
        if let nbf = record.notBefore { attributes["nbf"] = .number(nbf) }
        if let exp = record.expires { attributes["exp"] = .number(exp) }
        return .object(attributes)
    }

    static func secretBundle(_ record: SecretRecord, name: String, base: String, previousVersion: String?) -> JSONValue {
        var body: [String: JSONValue] = [
            "value": .string(record.value), "id": .string("\(base)/secrets/\(name)/\(record.version)"),
            "attributes": secretAttributes(record), "tags": tags(record.tags),
        ]
        if let contentType = record.contentType { body["contentType"] = .string(contentType) }
        if let keyPath = record.keyPath { body["kid"] = .string("\(base)/\(keyPath)") }
        if record.managed { body["managed"] = true }
        if let previousVersion { body["previousVersion"] = .string(previousVersion) }
        return .object(body)
    }

    static func secretItem(_ record: SecretRecord, id: String) -> JSONValue {
        var body: [String: JSONValue] = [
            "id": .string(id), "attributes": secretAttributes(record), "tags": tags(record.tags),
        ]
        if let contentType = record.contentType { body["contentType"] = .string(contentType) }
        if record.managed { body["managed"] = true }
        return .object(body)
    }

    // MARK: Keys

    static func keyAttributes(_ record: KeyRecord) -> JSONValue {
        var attributes: [String: JSONValue] = [
            "enabled": .bool(record.enabled), "created": .number(record.created), "updated": .number(record.updated),
            "recoveryLevel": recoveryLevel, "recoverableDays": recoverableDays, "exportable": false,
        ]
        if let nbf = record.notBefore { attributes["nbf"] = .number(nbf) }
        if let exp = record.expires { attributes["exp"] = .number(exp) }
        return .object(attributes)
    }

    static func keyBundle(_ record: KeyRecord, name: String, base: String) -> JSONValue {
        var jwk = record.jwk
        jwk["kid"] = .string("\(base)/keys/\(name)/\(record.version)")
        var body: [String: JSONValue] = [
            "key": .object(jwk), "attributes": keyAttributes(record), "tags": tags(record.tags),
        ]
        if record.managed { body["managed"] = true }
        return .object(body)
    }

    static func keyItem(_ record: KeyRecord, kid: String) -> JSONValue {
        var body: [String: JSONValue] = [
            "kid": .string(kid), "attributes": keyAttributes(record), "tags": tags(record.tags),
        ]
        if record.managed { body["managed"] = true }
        return .object(body)
    }

    // MARK: Certificates

    static func certificateAttributes(_ record: CertificateRecord) -> JSONValue {
        [
            "enabled": .bool(record.enabled), "nbf": .number(record.notBefore), "exp": .number(record.expires),
            "created": .number(record.created), "updated": .number(record.updated),
            "recoveryLevel": recoveryLevel, "recoverableDays": recoverableDays,
        ]
    }

    static func certificatePolicy(_ record: CertificateRecord, name: String, base: String) -> JSONValue {
        var keyProps: [String: JSONValue] = [
            "exportable": .bool(record.exportable), "kty": .string(record.keyType), "reuse_key": false,
        ]
        if let size = record.keySize { keyProps["key_size"] = .number(Int64(size)) }
        if let curve = record.curve { keyProps["crv"] = .string(curve) }
        let months = max(1, Int64((record.expires - record.notBefore) / (30 * 86_400)))
        return [
            "id": .string("\(base)/certificates/\(name)/policy"),
            "key_props": .object(keyProps),
            "secret_props": ["contentType": .string(record.secretContentType)],
            "x509_props": [
                "subject": .string(record.subject),
                "sans": ["dns_names": .array(record.dnsNames.map { .string($0) })],
                "ekus": ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
                "key_usage": ["digitalSignature", "keyEncipherment"],
                "validity_months": .number(months),
                "basic_constraints": ["ca": false],
            ],
            "lifetime_actions": [["trigger": ["lifetime_percentage": 80], "action": ["action_type": "EmailContacts"]]],
            "issuer": ["name": .string(record.issuerName)],
            "attributes": ["enabled": true, "created": .number(record.created), "updated": .number(record.updated)],
        ]
    }

    static func certificateBundle(_ record: CertificateRecord, name: String, base: String) -> JSONValue {
        [
            "id": .string("\(base)/certificates/\(name)/\(record.version)"),
            "kid": .string("\(base)/keys/\(name)/\(record.version)"),
            "sid": .string("\(base)/secrets/\(name)/\(record.version)"),
            "x5t": .string(KeyMaterial.thumbprint(record.certificateDER)),
            "cer": .string(record.certificateDER.base64EncodedString()),
            "contentType": .string(record.secretContentType),
            "attributes": certificateAttributes(record),
            "policy": certificatePolicy(record, name: name, base: base),
            "tags": tags(record.tags),
        ]
    }

    static func certificateItem(_ record: CertificateRecord, id: String) -> JSONValue {
        [
            "id": .string(id), "x5t": .string(KeyMaterial.thumbprint(record.certificateDER)),
            "attributes": certificateAttributes(record), "tags": tags(record.tags),
        ]
    }

    // MARK: Errors

    static func error(code: String, message: String, innerCode: String? = nil) -> Data {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let innerCode { error["innererror"] = ["code": .string(innerCode)] }
        return encode(["error": .object(error)])
    }
}
