// MountWriter: what the `..data` link of a target directory designates.

/// What `..data` currently designates.
enum CurrentData {
    /// No `..data` entry.
    case none
    /// `..data` is a link, but not to a data directory in the target (never followed).
    case unusableLink
    /// `..data` exists and is not a link (a planted file or directory).
    case notALink
    /// `..data` links to this data directory, open.
    case directory(name: String, handle: DirectoryHandle)

    init(in target: DirectoryHandle) throws(MountWriterError) {
        switch try target.linkState(of: ReservedNames.dataLink) {
        case .missing:
            self = .none
        case .notSymbolicLink:
            self = .notALink
        case .symbolicLink(let name):
            guard ReservedNames.isAcceptableDataLinkTarget(name), let handle = try target.openDirectory(name) else {
                self = .unusableLink
                return
            }
            self = .directory(name: name, handle: handle)
        }
    }

    /// The current data directory's name, if there is one.
    var name: String? {
        if case .directory(let name, _) = self { return name }
        return nil
    }

    /// Whether `..data` is a real file or directory that must be removed before the swap.
    var isNotALink: Bool {
        if case .notALink = self { return true }
        return false
    }

    /// Closes the data directory handle.
    func release() {
        if case .directory(_, let handle) = self { handle.release() }
    }
}
