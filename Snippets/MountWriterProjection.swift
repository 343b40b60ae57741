// MountWriter alone: files projected atomically into a directory, with the Kubernetes atomic-writer layout.
import Foundation
import MountWriter

// The target directory must exist: the writer never creates the directories above what it owns.
let target = FileManager.default.temporaryDirectory.appendingPathComponent("mountwriter-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: target) }

let writer = AtomicDirectoryWriter(targetDirectory: target)
let files: [String: ProjectedFile] = [
    "tls/cert.pem": ProjectedFile(utf8: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", mode: 0o444),
    "password": ProjectedFile(contents: Array("hunter2".utf8), mode: 0o400),
]
let first = try writer.write(files)
print("added: \(first.added.sorted())")
// Writing the same files again is a no-op: nothing on disk changes.
let again = try writer.write(files)
print("changed on rewrite: \(again.changed)")
print("password: \(try String(contentsOfFile: target + "/password", encoding: .utf8))")
