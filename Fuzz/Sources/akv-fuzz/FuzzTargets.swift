import Foundation

/// The fuzz targets, and the one selected by `AKV_FUZZ_TARGET`.
enum FuzzTargets {
    /// Every target, in the order `Scripts/fuzz.sh` runs them.
    static let all: [FuzzTarget] = [
        SecretProviderClassFuzzTarget.target,
        ObjectsFuzzTarget.target,
        MountJSONFuzzTarget.target,
        ChallengeFuzzTarget.target,
        TokenResponseFuzzTarget.target,
        IMDSResponseFuzzTarget.target,
        KeyVaultResponseFuzzTarget.target,
        JWKFuzzTarget.target,
        PEMFuzzTarget.target,
        DERFuzzTarget.target,
        PKCS12FuzzTarget.target,
        RetryAfterFuzzTarget.target,
        PathFuzzTarget.target,
    ]

    /// The target named by `AKV_FUZZ_TARGET`; with `AKV_FUZZ_TARGET=list` (or none) the names are printed and the
    /// process exits.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["AKV_FUZZ_TARGET"] ?? ""
        if let target = all.first(where: { $0.name == name }) { return target }
        let names = all.map { "  \($0.name)\t\($0.summary)" }.joined(separator: "\n")
        if name != "list" {
            FileHandle.standardError.write(Data("akv-fuzz: set AKV_FUZZ_TARGET to one of:\n".utf8))
        }
        FileHandle.standardError.write(Data((names + "\n").utf8))
        exit(name == "list" ? 0 : 2)
    }()
}
