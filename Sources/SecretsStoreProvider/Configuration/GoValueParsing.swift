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

    /// Go's `%q` for the strings we print: quotes and escapes backslashes, quotes and control characters.
    static func goQuote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
