/// Contents of objects pinned to a version, kept across rotations so they are not fetched again.
///
/// A Key Vault version's value never changes, so a pinned version is fetched once per provider. The cache holds
/// converted file contents in memory only.
actor PinnedVersionCache {
    struct Key: Hashable, Sendable {
        var vault: String
        var type: String
        var name: String
        var version: String
        var format: Bool
        var encoding: String

        init(vault: String, object: ValidatedKeyVaultObject, version: String) {
            self.vault = vault.lowercased()
            self.type = object.type.rawValue
            self.name = object.source.objectName.lowercased()
            self.version = version
            self.format = object.wantsPFX
            self.encoding = object.encoding.rawValue
        }
    }

    private var entries: [Key: KeyVaultObjectContent] = [:]

    func value(for key: Key) -> KeyVaultObjectContent? { entries[key] }

    func store(_ content: KeyVaultObjectContent, for key: Key) { entries[key] = content }

    var count: Int { entries.count }
}
