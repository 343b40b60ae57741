/// The file-name rules of the Go provider (`validateFileName`) and of the CSI driver (`filepath.Clean(p) == p`).
package enum FilePathRules {
    /// Returns the Go provider's or the driver's message when `name` is not acceptable, nil when it is.
    package static func problem(withFileName name: String) -> String? {
        if name.isEmpty { return ("file name must not be empty") }
        if name.hasPrefix("/") { return ("file name must be a relative path") }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") || name.contains("..") {
            return ("file name must not contain '..'")
        }
        if components.contains(where: { $0.isEmpty || $0 == "." }) {
            return ("invalid filepath: \(GoValueParsing.goQuote(name))")
        }
        if name.utf8.count > 4096 || components.contains(where: { $0.utf8.count > 255 }) {
            return ("file name \(GoValueParsing.goQuote(name)) is too long (at most 255 bytes a component, 4096 in all)")
        }
        return nil
    }
}
