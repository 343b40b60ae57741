import ArgumentParser

/// `akv-mount`: Azure Key Vault objects into files, with the Secrets Store CSI Azure provider's rules.
@main
struct AKVMount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "akv-mount",
        abstract: "Mount Azure Key Vault secrets, keys and certificates into a directory, as the Secrets Store CSI driver's Azure provider does.",
        subcommands: [MountCommand.self, LintCommand.self, DoctorCommand.self]
    )
}
