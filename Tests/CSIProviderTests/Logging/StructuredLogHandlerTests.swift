import CSIProvider
import Foundation
import Logging
import Synchronization
import Testing

/// logfmt and JSON lines: one per message, metadata included, control characters escaped so no line can be forged.
@Suite struct StructuredLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func logfmtQuotesWhatNeedsQuoting() throws {
        let sink = Lines()
        let logger = Logger(label: "akv-csi-provider") { StructuredLogHandler(label: $0, format: .logfmt, sink: sink.append) }
        logger.info("mount succeeded", metadata: ["pod": "web-0", "error": "a \"quoted\"\nforged=line"])
        let line = try #require(sink.all.first)
        #expect(sink.all.count == 1)
        #expect(line.contains("level=info logger=akv-csi-provider msg=\"mount succeeded\""))
        #expect(line.contains("pod=web-0"))
        #expect(line.contains(#"error="a \"quoted\"\nforged=line""#), "\(line)")
        #expect(!line.contains("\n"))
    }

    @Test func jsonIsOneObjectPerLine() throws {
        let sink = Lines()
        let logger = Logger(label: "p") { StructuredLogHandler(label: $0, format: .json, sink: sink.append) }
        logger.warning("bad \u{1B}[31m", metadata: ["objects": "3"])
        let line = try #require(sink.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "bad \u{1B}[31m")
        #expect(object["level"] == "warning" && object["objects"] == "3" && object["logger"] == "p")
        #expect(object["time"]?.hasSuffix("Z") == true)
        #expect(!line.contains("\u{1B}"), "escape sequences are escaped")
    }

    @Test func levelFiltersLines() {
        let sink = Lines()
        var logger = Logger(label: "p") { StructuredLogHandler(label: $0, format: .logfmt, sink: sink.append) }
        logger.logLevel = .warning
        logger.info("hidden")
        logger.error("shown")
        #expect(sink.all.count == 1 && sink.all[0].contains("msg=shown"))
    }
}
