/// The file-name rules of the Go provider (`validateFileName`) and of the CSI driver (`filepath.Clean(p) == p`),
/// plus the writer's depth limit, checked before anything is fetched.
///
/// The checks work on UTF-8 bytes, as the file system and the writer do: compared by `Character`, a `/` followed by
/// a combining mark is one grapheme and was not seen as a separator (found by the path fuzz target).
package enum FilePathRules {
    /// The most path components a file name may have (the writer's limit, `MountWriter`'s payload depth).
    package static let maximumComponents = 64

    /// Returns the Go provider's or the driver's message when `name` is not acceptable, nil when it is.
    package static func problem(withFileName name: String) -> String? {
        let bytes = Array(name.utf8)
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        if bytes.isEmpty { return ("file name must not be empty") }
        if bytes.first == slash { return ("file name must be a relative path") }
        let components = bytes.split(separator: slash, omittingEmptySubsequences: false)
        let containsDotDot = zip(bytes, bytes.dropFirst()).contains { $0 == dot && $1 == dot }
        if containsDotDot { return ("file name must not contain '..'") }
        if bytes.contains(0) { return ("file name \(GoValueParsing.goQuote(name)) must not contain a NUL byte") }
        if components.contains(where: { $0.isEmpty || $0.elementsEqual([dot]) }) {
            return ("invalid filepath: \(GoValueParsing.goQuote(name))")
        }
        if bytes.count > 4096 || components.contains(where: { $0.count > 255 }) {
            return ("file name \(GoValueParsing.goQuote(name)) is too long (at most 255 bytes a component, 4096 in all)")
        }
        if components.count > maximumComponents {
            return ("file name \(GoValueParsing.goQuote(name)) is \(components.count) directories deep (at most \(maximumComponents) components)")
        }
        return nil
    }
}
