/// Hexadecimal decoding with the rules and error texts of Go's `hex.DecodeString`.
enum HexText {
    /// Decodes hexadecimal text (either case).
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidHex`` and Go's texts
    ///   (`encoding/hex: invalid byte ...`, `encoding/hex: odd length hex string`). Unlike Go's
    ///   `invalid byte: U+0067 'g'`, the offending character is not quoted: the text is a secret value, so the error
    ///   names the character's offset instead.
    static func decode(_ text: String) throws -> [UInt8] {
        let scalars = Array(text.unicodeScalars)
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count / 2)
        var index = 0
        while index + 1 < scalars.count {
            let high = try value(scalars[index], at: index)
            let low = try value(scalars[index + 1], at: index + 1)
            output.append(high << 4 | low)
            index += 2
        }
        if scalars.count % 2 == 1 {
            _ = try value(scalars[scalars.count - 1], at: scalars.count - 1)
            throw ConversionError(code: .invalidHex, message: "encoding/hex: odd length hex string")
        }
        return output
    }

    /// Lower-case hexadecimal text of bytes.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func value(_ scalar: Unicode.Scalar, at offset: Int) throws -> UInt8 {
        switch scalar {
        case "0"..."9": return UInt8(scalar.value - 48)
        case "a"..."f": return UInt8(scalar.value - 97 + 10)
        case "A"..."F": return UInt8(scalar.value - 65 + 10)
        default:
            throw ConversionError(
                code: .invalidHex, message: "encoding/hex: invalid byte at character \(offset) (not a hexadecimal digit)"
            )
        }
    }
}
