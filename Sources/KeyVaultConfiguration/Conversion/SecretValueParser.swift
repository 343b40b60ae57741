import Configuration
import Foundation

/// Converts a secret's text to the type a `ConfigReader` asks for. Arrays are comma-separated (each element
/// trimmed), booleans are `true`/`false`/`yes`/`no`/`1`/`0` in any case, bytes are base64. Errors name the key and
/// the secret, never the value.
enum SecretValueParser {
    static func content(
        of text: String, as type: ConfigType, key: AbsoluteConfigKey, secretName: String
    ) throws(KeyVaultConfigurationError) -> ConfigContent {
        func fail() -> KeyVaultConfigurationError {
            KeyVaultConfigurationError(
                code: .notConvertible,
                message: "the value of secret '\(secretName)' (configuration key '\(key)') is not a valid \(type.rawValue)"
            )
        }
        func elements() -> [String] {
            text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        switch type {
        case .string: return .string(text)
        case .int:
            guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw fail() }
            return .int(value)
        case .double:
            guard let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), value.isFinite else { throw fail() }
            return .double(value)
        case .bool:
            guard let value = bool(text) else { throw fail() }
            return .bool(value)
        case .bytes:
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw fail() }
            return .bytes(Array(data))
        case .stringArray: return .stringArray(elements())
        case .intArray:
            let values = elements().compactMap { Int($0) }
            guard values.count == elements().count else { throw fail() }
            return .intArray(values)
        case .doubleArray:
            let values = elements().compactMap { Double($0) }.filter(\.isFinite)
            guard values.count == elements().count else { throw fail() }
            return .doubleArray(values)
        case .boolArray:
            let values = elements().compactMap(bool)
            guard values.count == elements().count else { throw fail() }
            return .boolArray(values)
        case .byteChunkArray:
            let values = elements().compactMap { Data(base64Encoded: $0).map(Array.init) }
            guard values.count == elements().count else { throw fail() }
            return .byteChunkArray(values)
        }
    }

    private static func bool(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }
}
