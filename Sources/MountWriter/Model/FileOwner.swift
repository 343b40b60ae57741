// MountWriter: the numeric owner and group of a projected file.

/// A numeric user and/or group id to give a projected file (applied with `fchown`).
///
/// A `nil` field is left unchanged, so `FileOwner(group: 2000)` mirrors the Kubernetes `fsGroup` request.
/// Changing the owner to a user other than the caller's needs the privilege to do so (root or `CAP_CHOWN`).
public struct FileOwner: Sendable, Hashable {
    /// The user id, or `nil` to leave the owner as created.
    public var user: UInt32?
    /// The group id, or `nil` to leave the group as created.
    public var group: UInt32?

    /// Creates an owner request.
    ///
    /// - Parameters:
    ///   - user: The numeric user id, or `nil` to keep the creating process's.
    ///   - group: The numeric group id, or `nil` to keep the one the file is created with.
    public init(user: UInt32? = nil, group: UInt32? = nil) {
        self.user = user
        self.group = group
    }
}
