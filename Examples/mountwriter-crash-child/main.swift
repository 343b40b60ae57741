// mountwriter-crash-child: a helper process for the MountWriter crash-consistency tests.
//
// Usage:
//   mountwriter-crash-child loop <target-dir> <payloads.json>
//       Writes payload 0, 1, 0, 1, ... (all payloads in turn) into <target-dir> forever, until killed.
//   mountwriter-crash-child once <target-dir> <payloads.json> <index> [--umask OCTAL] [--file-size-limit BYTES]
//       Writes payload <index> once and prints the result; exits 1 (printing the error) if the write throws.
//       --umask sets the process umask first; --file-size-limit sets RLIMIT_FSIZE (and ignores SIGXFSZ) so
//       that writing a larger file fails with EFBIG, even for root.
//
// <payloads.json>: {"payloads": [{"files": {"path": {"base64": "...", "mode": 420}}}]}

import Foundation
import MountWriter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct PayloadFile: Codable {
    var base64: String
    var mode: UInt32
}

struct Payload: Codable {
    var files: [String: PayloadFile]
}

struct PayloadSet: Codable {
    var payloads: [Payload]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func loadPayloads(_ path: String) -> [[String: ProjectedFile]] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let set: PayloadSet
    do {
        set = try JSONDecoder().decode(PayloadSet.self, from: data)
    } catch {
        fail("cannot decode \(path): \(error)")
    }
    return set.payloads.map { payload in
        payload.files.mapValues { file in
            ProjectedFile(contents: Array(Data(base64Encoded: file.base64) ?? Data()), mode: file.mode)
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    fail("usage: mountwriter-crash-child loop|once <target-dir> <payloads.json> [index] [options]")
}
let writer = AtomicDirectoryWriter(targetDirectory: arguments[2])
let payloads = loadPayloads(arguments[3])
guard !payloads.isEmpty else { fail("no payloads") }

switch arguments[1] {
case "loop":
    var index = 0
    while true {
        do {
            _ = try writer.write(payloads[index % payloads.count])
        } catch {
            fail("write \(index) failed: \(error)")
        }
        index += 1
    }
case "once":
    guard arguments.count >= 5, let index = Int(arguments[4]), payloads.indices.contains(index) else {
        fail("once needs a valid payload index")
    }
    var rest = arguments.dropFirst(5)
    while let option = rest.popFirst() {
        guard let value = rest.popFirst() else { fail("\(option) needs a value") }
        switch option {
        case "--umask":
            guard let mask = mode_t(value, radix: 8) else { fail("bad umask \(value)") }
            umask(mask)
        case "--file-size-limit":
            guard let bytes = rlim_t(value) else { fail("bad limit \(value)") }
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
            #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
            #else
            let resource = RLIMIT_FSIZE
            #endif
            guard setrlimit(resource, &limit) == 0 else { fail("setrlimit failed") }
        default:
            fail("unknown option \(option)")
        }
    }
    do {
        let result = try writer.write(payloads[index])
        print("changed=\(result.changed) dataDirectory=\(result.dataDirectory)")
    } catch {
        print("error: \(error)")
        exit(1)
    }
default:
    fail("unknown command \(arguments[1])")
}
