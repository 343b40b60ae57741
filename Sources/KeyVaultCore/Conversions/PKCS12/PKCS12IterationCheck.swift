/// Finds the key-derivation iteration counts of a PKCS#12 file before OpenSSL runs them, so that a hostile count
/// (2³¹−1 burns CPU for minutes, and rotation would repeat it every round) is refused at once.
///
/// The counts sit in three places, all of the shape "a SEQUENCE holding an OCTET STRING (the salt) directly followed
/// by an INTEGER (the count)": the MAC data (`macSalt`, `iterations`), PKCS#12 PBE parameters (`salt`,
/// `iterations`) and PBKDF2 parameters of PBES2 (`salt`, `iterationCount`). The check walks the DER, also inside
/// OCTET STRINGs that hold DER (the authenticated safe and its bags), with bounded depth and work, and reports every
/// such INTEGER. Nothing else in a PKCS#12 has that shape (keys and certificates put their OCTET STRINGs last or
/// before a tagged field).
enum PKCS12IterationCheck {
    /// The largest iteration count accepted: 1,000,000 (common files use 2,048 to 600,000).
    static let maximumIterations = 1_000_000
    /// The largest sum of all counts accepted (each count is a separate derivation).
    static let maximumTotalIterations = 4_000_000

    /// Throws when a count, or their sum, is above the maximum.
    static func check(_ der: [UInt8]) throws(ConversionError) {
        var counts: [UInt64] = []
        var budget = 100_000  // TLVs visited, whatever the input
        collect(der[...], depth: 0, counts: &counts, budget: &budget)
        var total: UInt64 = 0
        for count in counts {
            guard count <= UInt64(maximumIterations) else {
                throw ConversionError(
                    code: .invalidPKCS12,
                    message: "the PKCS#12 asks for \(count == UInt64.max ? "more than 2^64" : String(count)) key-derivation iterations, above the maximum of \(maximumIterations); re-export it with a usual count (for example openssl pkcs12 -export -iter 2048 -maciter)"
                )
            }
            total += count
        }
        guard total <= UInt64(maximumTotalIterations) else {
            throw ConversionError(
                code: .invalidPKCS12,
                message: "the PKCS#12 asks for \(total) key-derivation iterations in all, above the maximum of \(maximumTotalIterations)"
            )
        }
    }

    private struct Element {
        var tag: UInt8
        var content: ArraySlice<UInt8>
    }

    /// The elements of a DER sequence of TLVs, or nil when the bytes are not exactly that.
    private static func elements(_ bytes: ArraySlice<UInt8>, budget: inout Int) -> [Element]? {
        var result: [Element] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            budget -= 1
            guard budget > 0 else { return nil }
            let tag = bytes[index]
            guard tag & 0x1F != 0x1F else { return nil }  // multi-byte tags do not occur in PKCS#12
            index += 1
            guard index < bytes.endIndex else { return nil }
            var length = Int(bytes[index])
            index += 1
            if length & 0x80 != 0 {
                let octets = length & 0x7F
                guard octets >= 1, octets <= 4, index + octets <= bytes.endIndex else { return nil }
                length = 0
                for _ in 0..<octets {
                    length = length << 8 | Int(bytes[index])
                    index += 1
                }
            }
            guard length <= bytes.endIndex - index else { return nil }
            result.append(Element(tag: tag, content: bytes[index..<index + length]))
            index += length
        }
        return result
    }

    private static func collect(_ bytes: ArraySlice<UInt8>, depth: Int, counts: inout [UInt64], budget: inout Int) {
        guard depth < 24, let items = elements(bytes, budget: &budget) else { return }
        for item in items {
            let constructed = item.tag & 0x20 != 0
            if item.tag == 0x30 {  // SEQUENCE: look for OCTET STRING, INTEGER
                if let inner = elements(item.content, budget: &budget) {
                    for pair in zip(inner, inner.dropFirst()) where pair.0.tag == 0x04 && pair.1.tag == 0x02 {
                        counts.append(integer(pair.1.content))
                    }
                }
            }
            if constructed {
                collect(item.content, depth: depth + 1, counts: &counts, budget: &budget)
            } else if item.tag == 0x04, item.content.first == 0x30 {
                collect(item.content, depth: depth + 1, counts: &counts, budget: &budget)  // DER inside an OCTET STRING
            }
        }
    }

    /// A non-negative INTEGER's value, saturating at `UInt64.max` (a negative one counts as huge: it is invalid).
    private static func integer(_ content: ArraySlice<UInt8>) -> UInt64 {
        guard let first = content.first else { return 0 }
        if first & 0x80 != 0 { return UInt64.max }
        let significant = content.drop(while: { $0 == 0 })
        guard significant.count <= 8 else { return UInt64.max }
        return significant.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
