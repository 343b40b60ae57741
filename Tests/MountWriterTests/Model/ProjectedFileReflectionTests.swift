import Foundation
import MountWriter
import Testing

/// A projected file (usually a secret) never shows its contents in `description`, `debugDescription`, `dump` or
/// `Mirror`, so a payload can be logged or interpolated into an error safely.
@Suite struct ProjectedFileReflectionTests {
    @Test func contentsNeverAppearInAnyRendering() {
        let file = ProjectedFile(utf8: "projected-s3cr3t", mode: 0o440, owner: FileOwner(group: 2000))
        let payload = ["password": file]
        var dumped = ""
        dump(payload, to: &dumped)
        let mirror = Mirror(reflecting: file).children.map { "\($0.label ?? "_"): \($0.value)" }.joined(separator: ", ")
        let bytes = Array("projected-s3cr3t".utf8).map(String.init).joined(separator: ", ")
        for text in [String(describing: file), String(reflecting: file), "\(payload)", dumped, mirror] {
            #expect(!text.contains("projected-s3cr3t"))
            #expect(!text.contains(bytes), "the bytes leak: \(text)")
            #expect(text.contains("16 bytes"))
        }
        #expect(String(describing: file).contains("0o440"))
    }
}
