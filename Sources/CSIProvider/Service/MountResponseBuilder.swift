import Foundation
import SecretsStoreProvider

/// Builds the driver's `MountResponse` from a mount's result: the files in object order, and one object version per
/// object id (`<type>/<name>`, or `<type>/<name>/<index>` with version history), as the Go provider forms them.
enum MountResponseBuilder {
    static func response(for result: MountResult, objects: [ValidatedKeyVaultObject]) -> V1alpha1_MountResponse {
        var response = V1alpha1_MountResponse()
        response.files = result.files.map { file in
            var entry = V1alpha1_File()
            entry.path = file.path
            entry.mode = Int32(truncatingIfNeeded: file.mode)
            entry.contents = .init(file.contents)
            return entry
        }
        var emitted: Set<String> = []
        func emit(_ id: String) {
            guard let version = result.objectVersions[id], emitted.insert(id).inserted else { return }
            var entry = V1alpha1_ObjectVersion()
            entry.id = id
            entry.version = version
            response.objectVersion.append(entry)
        }
        for object in objects {
            if object.source.isSingleVersion {
                emit(object.versionID(historyIndex: nil))
            } else {
                // The files written are 0 ... k-1 for the k versions that exist: stop at the first missing one,
                // so the work follows the versions, not objectVersionHistory.
                for index in 0..<Int(object.source.objectVersionHistory) {
                    let id = object.versionID(historyIndex: index)
                    guard result.objectVersions[id] != nil else { break }
                    emit(id)
                }
            }
        }
        // Anything a custom reader reported beyond the objects' ids, in a stable order.
        for id in result.objectVersions.keys.sorted() { emit(id) }
        return response
    }
}
