/// Go's `%q` formatting of strings, for error texts that must match the Go provider's word for word (users search
/// for them).
enum GoQuoting {
    /// Quotes like Go's `%q`: double quotes, with `"`, `\` and control characters escaped.
    /// - Parameter text: The text.
    /// - Returns: The quoted text, for example `"kv_test"`.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
