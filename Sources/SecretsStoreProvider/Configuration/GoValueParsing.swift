import AzureCore

/// Parsers that reproduce Go's `strconv` behaviour, so parameters are accepted and refused exactly as the Go
/// provider does, with the same error text.
enum GoValueParsing {
    /// `strconv.ParseBool`: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.
    static func parseBool(_ value: String) -> Bool? {
        switch value {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    /// The text Go prints for a failed `strconv.ParseBool`.
    static func parseBoolError(_ value: String) -> String {
        "strconv.ParseBool: parsing \(goQuote(value)): invalid syntax"
    }

    /// Go's `%q` (see `GoQuoting`).
    static func goQuote(_ value: String) -> String { GoQuoting.quote(value) }
}
