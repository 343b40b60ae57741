// Exact modes whatever the umask, directory modes, and owners.

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Modes and owners")
struct PermissionsTests {
    @Test("Modes are exact under umask 077 (written by a child process that sets it)")
    func umaskIndependent() throws {
        try TestDirectory.with { directory throws in
            let target = try directory.makeSub("target")
            let files: [String: ProjectedFile] = [
                "world.txt": ProjectedFile(utf8: "w", mode: 0o644),
                "exec.sh": ProjectedFile(utf8: "#!/bin/sh\n", mode: 0o755),
                "nested/dir/group.txt": ProjectedFile(utf8: "g", mode: 0o664),
                "nested/odd": ProjectedFile(utf8: "o", mode: 0o407),
            ]
            let payloads = directory.sub("payloads.json")
            try CrashChild.writePayloads([files], to: payloads)
            let run = try CrashChild.run(["once", target, payloads, "0", "--umask", "077"])
            #expect(run.status == 0, "\(run.output)")
            #expect(try volumeContents(target) == files)
            let data = target + "/" + (try #require(readLink(target + "/..data")))
            for path in [data, data + "/nested", data + "/nested/dir"] {
                #expect(try #require(lstatus(path)).st_mode & 0o7777 == 0o755, "\(path)")
            }
        }
    }

    @Test("The directory mode option applies to every directory")
    func directoryMode() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path, options: .init(directoryMode: 0o750))
            try writer.write(payload(["a/b/c": "1"]))
            let data = directory.sub(try #require(readLink(directory.sub("..data"))))
            for path in [data, data + "/a", data + "/a/b"] {
                #expect(try #require(lstatus(path)).st_mode & 0o7777 == 0o750, "\(path)")
            }
            // Same payload, same options: no-op; another directory mode: rewritten.
            #expect(!(try writer.write(payload(["a/b/c": "1"])).changed))
            #expect(try AtomicDirectoryWriter(targetDirectory: directory.path).write(payload(["a/b/c": "1"])).changed)
        }
    }

    @Test("Owner and group are applied, compared and changed (needs root)", .enabled(if: geteuid() == 0))
    func owners() throws {
        try TestDirectory.with { directory throws in
            let writer = AtomicDirectoryWriter(targetDirectory: directory.path)
            var files: [String: ProjectedFile] = [
                "owned": ProjectedFile(utf8: "secret", mode: 0o440, owner: FileOwner(user: 1234, group: 2345)),
                "group-only/x": ProjectedFile(utf8: "x", mode: 0o640, owner: FileOwner(group: 3000)),
                "plain": ProjectedFile(utf8: "p"),
            ]
            try writer.write(files)
            let owned = try #require(status(directory.sub("owned")))
            #expect(owned.st_uid == 1234 && owned.st_gid == 2345)
            #expect(owned.st_mode & 0o7777 == 0o440)
            let groupOnly = try #require(status(directory.sub("group-only/x")))
            #expect(groupOnly.st_uid == geteuid() && groupOnly.st_gid == 3000)
            #expect(try writer.readProjection(includingOwners: true)["owned"]?.owner == FileOwner(user: 1234, group: 2345))

            #expect(!(try writer.write(files).changed), "same owners: no-op")

            files["owned"]?.owner = FileOwner(user: 1234, group: 4000)
            let result = try writer.write(files)
            #expect(result.changed)
            #expect(result.updated == ["owned"])
            #expect(try #require(status(directory.sub("owned"))).st_gid == 4000)
        }
    }
}
