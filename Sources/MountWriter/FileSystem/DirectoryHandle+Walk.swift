// MountWriter: the one recursive walk of a directory tree (used to compare and to read back a data directory).

extension DirectoryHandle {
    /// Visits every entry below this directory, depth first, through directory descriptors: no symbolic link is
    /// followed, and each level holds one descriptor only while it is walked.
    ///
    /// The walk never goes deeper than ``PayloadValidator/maximumDepth`` components: a directory at that depth is
    /// visited with a `nil` child and never opened (no payload file can be inside it), so a walk holds at most
    /// that many descriptors, plus one while a directory is listed, whatever the tree.
    ///
    /// - Parameters:
    ///   - prefix: The relative path of this directory (empty at the top).
    ///   - depth: The number of components of `prefix` (0 at the top).
    ///   - visit: Gets the parent directory, the entry, its relative path (`a/b/c`) and its kind. For a directory it
    ///     also gets the opened child (`nil` when the entry is no longer a directory or lies at the depth limit),
    ///     and the walk goes into the child when `visit` returns `true`. The return value is ignored otherwise.
    /// - Throws: ``MountWriterError`` from listing or opening, or what `visit` throws.
    func walk(
        prefix: String = "",
        depth: Int = 0,
        _ visit: (_ parent: DirectoryHandle, _ entry: Entry, _ path: String, _ kind: FileKind, _ child: DirectoryHandle?)
            throws(MountWriterError) -> Bool
    ) throws(MountWriterError) {
        for entry in try entries() {
            let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
            guard let kind = try kind(of: entry) else { continue }
            guard kind == .directory else {
                _ = try visit(self, entry, path, kind, nil)
                continue
            }
            guard depth + 1 < PayloadValidator.maximumDepth else {
                _ = try visit(self, entry, path, kind, nil)
                continue
            }
            let child = try openDirectory(entry.name)
            defer { child?.release() }
            if try visit(self, entry, path, kind, child), let child {
                try child.walk(prefix: path, depth: depth + 1, visit)
            }
        }
    }
}
