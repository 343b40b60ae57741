import MountWriter

/// A mount's fetched result and what writing it changed.
public struct MountOutcome: Sendable {
    /// The files and versions.
    public var result: MountResult
    /// What the atomic writer did.
    public var write: WriteResult

    /// Creates an outcome.
    public init(result: MountResult, write: WriteResult) {
        self.result = result
        self.write = write
    }
}
