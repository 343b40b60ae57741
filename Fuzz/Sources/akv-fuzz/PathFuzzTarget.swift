import Foundation
import MountWriter
import SecretsStoreProvider

/// `path`: a file path as an object alias or payload key, through the two path validators: the provider's
/// `FilePathRules.problem(withFileName:)` (checked when `objects` is validated) and the writer's
/// `PayloadValidator` (`isCleanAndValid`, `cleanPath` under both policies, `cleanComponents`).
///
/// Invariants (a violation traps, so libFuzzer keeps the input):
/// - the writer's fast path agrees with its slow path: a path `isCleanAndValid` accepts is its own clean form;
/// - a path accepted under `.requireClean` is returned unchanged;
/// - cleaning is idempotent: a path cleaned under `.clean` is accepted unchanged under `.requireClean`;
/// - a name the provider accepts is accepted by the writer (otherwise a mount fails only after every object was
///   fetched). NUL bytes are left out of this one: the provider lets them through and the writer refuses them, a
///   known difference reported with the fuzzing results.
enum PathFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "path",
        summary: "FilePathRules.problem(withFileName:), PayloadValidator.isCleanAndValid / cleanPath / cleanComponents"
    ) { data in
        let path = FuzzInput.text(data)
        let fast = PayloadValidator.isCleanAndValid(path)
        let strict = try? PayloadValidator.cleanPath(of: path, policy: .requireClean)
        let slow = try? PayloadValidator.cleanComponents(of: path, policy: .requireClean).joined(separator: "/")
        if fast {
            precondition(slow == path, "isCleanAndValid accepts a path cleanComponents does not return unchanged")
        }
        if let strict {
            precondition(strict == path, "cleanPath(.requireClean) changed an accepted path")
        }
        if let cleaned = try? PayloadValidator.cleanPath(of: path, policy: .clean) {
            let again = try? PayloadValidator.cleanPath(of: cleaned, policy: .requireClean)
            precondition(again == cleaned, "a cleaned path is not clean")
        }
        if FilePathRules.problem(withFileName: path) == nil, !path.utf8.contains(0) {
            precondition(strict == path, "the provider accepts an objectAlias that the writer refuses")
        }
    }
}
