// MountWriter: the reused buffer that file comparisons read into.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A reused read buffer (avoids an allocation and zero-fill per compared file).
final class ScratchBuffer {
    private static let chunkSize = 128 * 1024
    private let pointer: UnsafeMutableRawPointer

    init() {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        pointer.deallocate()
    }

    /// Whether `fd`, whose size is already known to be `expected.count`, holds exactly `expected`, read and
    /// compared a chunk at a time (so the chunk is still in the CPU cache when compared); `nil` on a read error.
    func contents(of fd: Int32, equal expected: UnsafeRawBufferPointer) -> Bool? {
        var offset = 0
        while offset < expected.count {
            let wanted = min(Self.chunkSize, expected.count - offset)
            let count = read(fd, pointer, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return false }
            if memcmp(expected.baseAddress! + offset, pointer, count) != 0 { return false }
            offset += count
        }
        return true
    }
}
