import Logging

/// Orders certificates leaf -> intermediates -> root, as the Go provider's `fetchCertChains` does, and better.
///
/// A certificate's parent is the other certificate whose subject key identifier equals its authority key
/// identifier; when either identifier is missing (a leaf without SKI/AKI, old CAs) the parent is the certificate
/// whose subject equals its issuer. The leaf is the first certificate that is nobody's parent. When the chain
/// from the leaf does not cover every certificate (a missing intermediate or root, extra certificates), the
/// original order is kept and a warning is logged, as the Go provider does since v1.7.0. A cycle is an error.
public enum CertificateChainOrderer {
    /// The warning the Go provider logs for an incomplete chain (kept verbatim so users find it).
    public static let incompleteChainWarning =
        "certificate chain is not complete due to missing intermediate/root certificates in the cert from key vault"

    /// Orders DER certificates.
    /// - Parameters:
    ///   - certificates: The certificates, DER, in any order.
    ///   - logger: Receives the incomplete-chain warning.
    /// - Returns: The certificates leaf first, or in the original order when the chain is incomplete.
    /// - Throws: ``ConversionError`` with ``ConversionError/Code/invalidDER`` for a malformed certificate,
    ///   ``ConversionError/Code/noLeafFound`` (`no leaf found`) or ``ConversionError/Code/certificateChainCycle``
    ///   (`constructing chain resulted in cycle`).
    public static func order(_ certificates: [[UInt8]], logger: Logger) throws -> [[UInt8]] {
        guard certificates.count > 1 else { return certificates }
        let nodes = try certificates.enumerated().map { try CertificateSummary(der: $0.element, index: $0.offset) }
        let parents = nodes.indices.map { parentIndex(of: $0, in: nodes) }

        var isParent = Array(repeating: false, count: nodes.count)
        for case let parent? in parents { isParent[parent] = true }
        guard let leaf = isParent.firstIndex(of: false) else {
            throw ConversionError(code: .noLeafFound, message: "no leaf found")
        }

        var chain: [Int] = []
        var visited = Set<Int>()
        var current: Int? = leaf
        while let index = current {
            guard visited.insert(index).inserted else {
                throw ConversionError(code: .certificateChainCycle, message: "constructing chain resulted in cycle")
            }
            chain.append(index)
            current = parents[index]
        }
        guard chain.count == nodes.count else {
            logger.warning(
                "\(incompleteChainWarning)",
                metadata: ["certificates": "\(nodes.count)", "chainLength": "\(chain.count)"]
            )
            return certificates
        }
        return chain.map { certificates[$0] }
    }

    /// The parent of `child`: by key identifiers first, then by names when an identifier is missing.
    static func parentIndex(of child: Int, in nodes: [CertificateSummary]) -> Int? {
        let node = nodes[child]
        if let aki = node.authorityKeyID {
            if let match = nodes.indices.first(where: { $0 != child && nodes[$0].subjectKeyID == aki }) {
                return match
            }
        }
        // Fall back to names for pairs where an identifier is missing; a self-issued certificate is a root.
        guard node.issuer != node.subject else { return nil }
        return nodes.indices.first { candidate in
            guard candidate != child, nodes[candidate].subject == node.issuer else { return false }
            return node.authorityKeyID == nil || nodes[candidate].subjectKeyID == nil
        }
    }
}
