import ArgumentParser
import CommandSupport
import Foundation
import SecretsStoreProvider

/// `akv-mount lint`: every problem of a `SecretProviderClass` at once, offline.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a SecretProviderClass offline and report every problem at once (exit 0 when it has no error, 1 when it has).",
        discussion: """
            Each finding gives its place (document, parameter or object index, line and column), the Go provider's \
            error text where it has one, and a fix in one line. With --attributes (the driver's mount attributes) the \
            workload identity token is checked too (decoded locally); with --secrets the node-publish secret's keys. \
            Nothing is sent over the network and no secret value is printed. Warnings do not change the exit status.
            """
    )

    /// The output formats.
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong("spc"), help: "The SecretProviderClass manifest (YAML; every SecretProviderClass document in it is checked).")
    var spcFile: String

    @Option(name: .customLong("attributes"), help: "The driver's mount attributes (JSON object of strings), to check the identity inputs.")
    var attributesFile: String?

    @Option(name: .customLong("secrets"), help: "The node-publish secret (JSON object with clientid and clientsecret), to check the service principal inputs.")
    var secretsFile: String?

    @Option(name: .customLong("output"), help: "text (default) or json (one object with every finding, for CI).")
    var output: Output = .text

    func run() throws {
        let yaml = try CommandSupport.readText(spcFile, what: "--spc")
        var attributes: [String: String]?
        if let attributesFile {
            attributes = try MountRequest.decodeStringMap(try CommandSupport.readData(attributesFile, what: "--attributes"), what: "attributes")
        }
        var secrets: [String: String]?
        if let secretsFile {
            secrets = try MountRequest.decodeStringMap(try CommandSupport.readData(secretsFile, what: "--secrets"), what: "secrets")
        }
        let findings = ManifestLinter().lint(manifest: yaml, source: spcFile, attributes: attributes, secrets: secrets)
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        switch output {
        case .text:
            for finding in findings { print(finding) }
            print(findings.isEmpty ? "\(spcFile): no problems found" : "\(spcFile): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(LintOutput(source: spcFile, errors: errors, warnings: warnings, findings: findings))
            print(String(decoding: data, as: UTF8.self))
        }
        if errors > 0 { throw ExitCode.failure }
    }

    /// The JSON document `--output json` prints.
    struct LintOutput: Encodable {
        var source: String
        var errors: Int
        var warnings: Int
        var findings: [LintFinding]
    }
}
