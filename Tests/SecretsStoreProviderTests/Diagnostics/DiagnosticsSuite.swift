import Testing

/// The tests of `Sources/SecretsStoreProvider/Diagnostics/` (lint and doctor), grouped so that
/// `swift test --filter Diagnostics` runs them all.
@Suite enum Diagnostics {}
