import Yams

/// Parses the `objects` parameter: a YAML document whose `array` key holds a list of YAML documents (strings),
/// each one a ``KeyVaultObject``.
///
/// Like the Go provider (`gopkg.in/yaml.v3`, non-strict), unknown keys are ignored and every string field is taken
/// literally: an unquoted `filePermission: 0600` stays the text `0600`.
enum ObjectsParser {
    static func parse(_ objects: String) throws(SecretsStoreProviderError) -> [KeyVaultObject] {
        let root: Node?
        do {
            root = try YAMLDocuments.composeOne(objects)
        } catch {
            throw SecretsStoreProviderError(.invalidParameter, "failed to yaml unmarshal objects, error: \(error.text)")
        }
        guard let root, case .mapping(let mapping) = root else {
            throw SecretsStoreProviderError(
                .invalidParameter, "failed to yaml unmarshal objects, error: the objects value must be a mapping with an 'array' key"
            )
        }
        guard let arrayNode = mapping["array"] else { return [] }
        if case .scalar(let scalar) = arrayNode, scalar.string.isEmpty || scalar.isNull {
            return []
        }
        guard case .sequence(let entries) = arrayNode else {
            throw SecretsStoreProviderError(
                .invalidParameter, "failed to yaml unmarshal objects, error: 'array' must be a list of strings"
            )
        }
        var result: [KeyVaultObject] = []
        for (index, entry) in entries.enumerated() {
            guard case .scalar(let text) = entry else {
                throw SecretsStoreProviderError(
                    .invalidParameter,
                    "failed to yaml unmarshal objects, error: entry \(index) of 'array' must be a string holding a YAML document (use '- |')"
                )
            }
            result.append(try parseObject(text.string, index: index))
        }
        return result
    }

    static func parseObject(_ text: String, index: Int) throws(SecretsStoreProviderError) -> KeyVaultObject {
        func fail(_ reason: String) -> SecretsStoreProviderError {
            SecretsStoreProviderError(
                .invalidObject, "unmarshal failed for keyVaultObjects at index \(index), error: \(reason)", objectIndex: index
            )
        }
        let node: Node?
        do {
            node = try YAMLDocuments.composeOne(text)
        } catch {
            throw fail(error.text)
        }
        guard let node else { return KeyVaultObject(objectName: "", objectType: "") }
        guard case .mapping(let mapping) = node else { throw fail("the entry must be a mapping of object fields") }

        func string(_ key: String) throws(SecretsStoreProviderError) -> String {
            guard let value = mapping[key] else { return "" }
            guard case .scalar(let scalar) = value else { throw fail("\(key) must be a string") }
            if scalar.isNull { return "" }
            return scalar.string.trimmingWhitespace()
        }
        var history: Int32 = 0
        if let value = mapping["objectVersionHistory"] {
            guard case .scalar(let scalar) = value else { throw fail("objectVersionHistory must be an integer") }
            let text = scalar.string.trimmingWhitespace()
            if !text.isEmpty && !scalar.isNull {
                guard let parsed = Int32(text) else {
                    throw fail("cannot unmarshal \(GoValueParsing.goQuote(text)) into objectVersionHistory (int32)")
                }
                history = parsed
            }
        }
        return KeyVaultObject(
            objectName: try string("objectName"),
            objectAlias: try string("objectAlias"),
            objectType: try string("objectType"),
            objectVersion: try string("objectVersion"),
            objectVersionHistory: history,
            objectFormat: try string("objectFormat"),
            objectEncoding: try string("objectEncoding"),
            filePermission: try string("filePermission")
        )
    }
}

extension String {
    /// Trims leading and trailing whitespace as Go's `strings.TrimSpace` does.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
