import Foundation

// The libFuzzer entry points. libFuzzer's runtime provides `main`, parses its own flags, and calls
// `LLVMFuzzerTestOneInput` once per input. `AKV_FUZZ_TARGET` names the target (see `FuzzTargets.all`).

/// Called once by libFuzzer before the first input: checks that `AKV_FUZZ_TARGET` names a target.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    _ = FuzzTargets.selected
    return 0
}

/// Called by libFuzzer for every input: hands the bytes to the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(UnsafeBufferPointer(start: $0, count: size)) } ?? Data()
    FuzzTargets.selected.run(bytes)
    return 0
}
