import Foundation
import MountWriter
import SecretsStoreProvider

/// `spc-yaml`: a SecretProviderClass manifest, as `akv-mount --spc` reads it.
///
/// The text goes to `SecretProviderClass(yaml:)` (with and without a class name) and to `ManifestLinter.lint`;
/// a class that parses is then validated as a mount (`ProviderParameters(validating:)`, which parses its
/// `objects`), with pod attributes and a service-principal secret so that validation gets that far.
enum SecretProviderClassFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "spc-yaml",
        summary: "SecretProviderClass(yaml:), ManifestLinter.lint, then ProviderParameters(validating:)"
    ) { data in
        let yaml = FuzzInput.text(data)
        _ = ManifestLinter(now: FuzzInstantClock().now()).lint(manifest: yaml, source: "fuzz.yaml")
        _ = try? SecretProviderClass(yaml: yaml, name: "fuzz", source: "fuzz.yaml")
        guard let spc = try? SecretProviderClass(yaml: yaml, source: "fuzz.yaml") else { return }
        let request = MountRequest(
            secretProviderClass: spc,
            attributes: [
                ProviderParameters.Key.podName: "pod",
                ProviderParameters.Key.podNamespace: "default",
            ],
            secrets: ["clientid": "00000000-0000-0000-0000-000000000000", "clientsecret": "fuzz"]
        )
        _ = try? ProviderParameters(validating: request)
    }
}
