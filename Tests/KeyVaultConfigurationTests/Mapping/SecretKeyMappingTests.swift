import Configuration
import KeyVaultConfiguration
import Testing

@Suite struct SecretKeyMappingTests {
    @Test(arguments: [
        ("database--password", ["database", "password"]),
        ("Database--Password", ["database", "password"]),
        ("api-key", ["api-key"]),
        ("a--b--c", ["a", "b", "c"]),
    ])
    func defaultSplitsAtDoubleDashes(name: String, components: [String]) {
        #expect(SecretKeyMapping.default.key(for: name) == AbsoluteConfigKey(components))
    }

    @Test(arguments: ["--leading", "trailing--", "a----b"])
    func aNameWithAnEmptyComponentIsSkipped(name: String) {
        #expect(SecretKeyMapping.default.key(for: name) == nil)
    }

    @Test func aCustomMappingChoosesAndRenames() {
        let mapping = SecretKeyMapping { name in
            guard name.hasPrefix("orders--") else { return nil }
            return SecretKeyMapping.default.key(for: String(name.dropFirst("orders--".count)))
        }
        #expect(mapping.key(for: "orders--db--password") == AbsoluteConfigKey(["db", "password"]))
        #expect(mapping.key(for: "billing--db--password") == nil)
    }
}
