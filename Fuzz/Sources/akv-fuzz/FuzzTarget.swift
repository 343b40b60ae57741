import Foundation

/// One fuzz target: a name (the `AKV_FUZZ_TARGET` value and the corpus directory name) and what it does with an
/// input.
///
/// A target must never crash on any input: every parser it calls throws or returns `nil` for bad input. A target
/// may also trap on purpose (`preconditionFailure`) when an invariant between two parsers does not hold, so that
/// libFuzzer reports the input.
struct FuzzTarget: Sendable {
    /// The target's name, such as `challenge`.
    let name: String
    /// The parser entry points it drives, for `--list` and the report.
    let summary: String
    /// Feeds one input to the parsers.
    let run: @Sendable (Data) -> Void
}
