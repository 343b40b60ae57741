import KeyVaultCore
import Foundation

/// The `objectVersionHistory` rule: enabled versions sorted newest first, starting at `objectVersion` (or the
/// newest when it is empty or `latest`), at most N of them.
///
/// The Go provider returns N+1 files when more than N versions exist, and silently writes nothing when
/// `objectVersion` is not among the enabled versions; here exactly N are returned and a missing start version is
/// an error.
enum VersionHistory {
    static func select(
        from versions: [KeyVaultObjectVersion],
        startingAt start: String,
        count: Int,
        object: ValidatedKeyVaultObject
    ) throws(SecretsStoreProviderError) -> [String] {
        // Newest first by creation time; versions created in the same second keep the listing's order
        // reversed (Key Vault and the emulators list oldest first).
        // Items without an identifier name no version and are skipped.
        let enabled = versions.enumerated().filter { $0.element.version != nil && $0.element.attributes?.enabled == true }.sorted {
            let a = $0.element.attributes?.created ?? Date(timeIntervalSince1970: 0)
            let b = $1.element.attributes?.created ?? Date(timeIntervalSince1970: 0)
            return a != b ? a > b : $0.offset > $1.offset
        }.map(\.element)
        var startIndex = 0
        if !start.isEmpty && start.lowercased() != "latest" {
            guard let found = enabled.firstIndex(where: { $0.version == start }) else {
                throw SecretsStoreProviderError(
                    .fetchFailed,
                    "failed to get objectType:\(object.source.objectType), objectName:\(object.source.objectName), objectVersion:\(start): the version is not among the \(enabled.count) enabled versions of the object",
                    objectIndex: object.index,
                    underlying: KeyVaultError(
                        code: .notFound, vault: "", objectName: object.source.objectName, objectVersion: start,
                        message: "the version is not among the enabled versions of the object"
                    )
                )
            }
            startIndex = found
        }
        guard startIndex < enabled.count else {
            throw SecretsStoreProviderError(
                .fetchFailed,
                "failed to get objectType:\(object.source.objectType), objectName:\(object.source.objectName): the object has no enabled version",
                objectIndex: object.index,
                underlying: KeyVaultError(
                    code: .notFound, vault: "", objectName: object.source.objectName, message: "the object has no enabled version"
                )
            )
        }
        return enabled[startIndex...].prefix(count).compactMap(\.version)
    }
}
