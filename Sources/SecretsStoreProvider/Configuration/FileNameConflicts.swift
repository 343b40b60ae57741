/// The file-name conflicts among a mount's objects: two objects written to one path, or a file where another object
/// needs a directory.
///
/// Time and memory follow the number of objects, not their `objectVersionHistory`: each object claims its
/// `fileName` (a file, or with history a directory of files named `0` ... `N-1`), and a history file is recognised
/// by parsing a path rather than by listing the N paths. ``ProviderParameters`` refuses the first conflict; the
/// manifest linter reports them all.
struct FileNameConflicts {
    /// One conflict.
    enum Conflict {
        /// `other` (the earlier object) and `object` are both written to `path`.
        case sameFile(other: ValidatedKeyVaultObject, object: ValidatedKeyVaultObject, path: String)
        /// `file` writes the file `prefix`, which `object` needs as a directory for `path`.
        case fileInTheWay(file: ValidatedKeyVaultObject, object: ValidatedKeyVaultObject, prefix: String, path: String)
    }

    /// Every conflict, in the objects' order.
    let conflicts: [Conflict]

    init(_ objects: [ValidatedKeyVaultObject]) {
        var found: [Conflict] = []
        var byName: [String: ValidatedKeyVaultObject] = [:]
        var unique: [ValidatedKeyVaultObject] = []
        for object in objects {
            let name = object.source.fileName
            guard let other = byName[name] else {
                byName[name] = object
                unique.append(object)
                continue
            }
            switch (other.source.isSingleVersion, object.source.isSingleVersion) {
            case (true, true): found.append(.sameFile(other: other, object: object, path: name))
            case (false, false): found.append(.sameFile(other: other, object: object, path: "\(name)/0"))
            case (true, false): found.append(.fileInTheWay(file: other, object: object, prefix: name, path: "\(name)/0"))
            case (false, true): found.append(.fileInTheWay(file: object, object: other, prefix: name, path: "\(name)/0"))
            }
        }
        /// The history object that writes the file at `path`, if any.
        func historyOwner(_ path: Substring) -> ValidatedKeyVaultObject? {
            guard let slash = path.lastIndex(of: "/"), let history = byName[String(path[..<slash])] else { return nil }
            return history.mayWrite(path) ? history : nil
        }
        /// The object that writes the file at `path`, if any.
        func fileOwner(_ path: Substring) -> ValidatedKeyVaultObject? {
            if let single = byName[String(path)], single.source.isSingleVersion { return single }
            return historyOwner(path)
        }
        for object in unique {
            let name = object.source.fileName
            let firstPath = object.source.isSingleVersion ? name : "\(name)/0"
            // This object's file, or its history directory, may be another object's history file.
            if let other = historyOwner(Substring(name)), other.index != object.index {
                found.append(
                    object.source.isSingleVersion
                        ? .sameFile(other: other, object: object, path: name)
                        : .fileInTheWay(file: other, object: object, prefix: name, path: firstPath)
                )
            }
            // No directory on the way to this object's files may be another object's file.
            var prefix = Substring(name)
            while let slash = prefix.lastIndex(of: "/") {
                prefix = prefix[..<slash]
                if let other = fileOwner(prefix) {
                    found.append(.fileInTheWay(file: other, object: object, prefix: String(prefix), path: firstPath))
                }
            }
        }
        conflicts = found
    }
}

extension FileNameConflicts.Conflict {
    /// The index of the object the conflict is reported on (the later of the two).
    var objectIndex: Int {
        switch self {
        case .sameFile(_, let object, _): object.index
        case .fileInTheWay(let file, let object, _, _): max(file.index, object.index)
        }
    }

    /// The conflict in words, without advice.
    var text: String {
        switch self {
        case .sameFile(let other, let object, let path):
            "objects at index \(other.index) (\(other.source.objectName)) and \(object.index) (\(object.source.objectName)) are both written to \(GoValueParsing.goQuote(path))"
        case .fileInTheWay(let file, let object, let prefix, let path):
            "object at index \(file.index) (\(file.source.objectName)) is written to the file \(GoValueParsing.goQuote(prefix)), which object at index \(object.index) (\(object.source.objectName)) needs as a directory for \(GoValueParsing.goQuote(path))"
        }
    }
}
