import SecretsStoreProvider

/// Reads a SecretProviderClass manifest into the name and parameters the driver would send.
enum SecretProviderClassFixture {
    static func parameters(_ yaml: String) throws -> (name: String, parameters: [String: String]) {
        let spc = try SecretProviderClass(yaml: yaml)
        return (spc.name, spc.parameters)
    }
}
