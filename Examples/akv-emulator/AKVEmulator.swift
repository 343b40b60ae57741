import ArgumentParser

/// `akv-emulator`: the Azure emulators (Entra ID, IMDS, a Kubernetes OIDC issuer, Key Vault) as a process of their
/// own, and the demo that mounts the sample SecretProviderClasses against them.
///
/// It is separate from `akv-mount` and `akv-csi-provider` so that production executables never link the
/// emulators (`KeyVaultTesting`).
@main
struct AKVEmulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "akv-emulator",
        abstract: "Run the Azure emulators on loopback HTTPS, or a demo of the whole flow against them.",
        subcommands: [EmulatorCommand.self, DemoCommand.self]
    )
}
