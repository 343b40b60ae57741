/// Rewrites Go-style flags into the form swift-argument-parser reads, so that the Go provider's DaemonSet arguments
/// keep working: `-endpoint=...` becomes `--endpoint=...`, and a bare boolean flag (`--log-format-json`) becomes
/// `--log-format-json=true`. `-v=N` and `--v=N` (klog verbosity) are kept.
enum GoStyleArguments {
    /// The boolean flags, which Go accepts bare or as `=true`/`=false`.
    static let booleanFlags: Set<String> = [
        "log-format-json", "construct-pem-chain", "write-cert-and-key-in-separate-files", "version",
    ]

    static func normalize(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            var text = argument
            if text.hasPrefix("-"), !text.hasPrefix("--"), text.count > 2 { text = "-" + text }
            guard text.hasPrefix("--") else { return argument }
            let name = String(text.dropFirst(2).prefix { $0 != "=" })
            if name == "v" { return text }
            if booleanFlags.contains(name), !text.contains("=") {
                return text + "=true"
            }
            return text
        }
    }
}
