import AzureCore
import Foundation
import HTTPTypes

/// `retry-after`: server-requested delays. The input is one header value, given as `Retry-After`,
/// `retry-after-ms` and `x-ms-retry-after-ms` (alone and together) to `RetryPolicy.serverRequestedDelay`, and to
/// `RetryPolicy.parseHTTPDate`. A delay must never be negative nor above `maximumServerRequestedDelay`.
enum RetryAfterFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "retry-after",
        summary: "RetryPolicy.serverRequestedDelay (Retry-After, retry-after-ms, x-ms-retry-after-ms), RetryPolicy.parseHTTPDate"
    ) { data in
        let value = FuzzInput.text(data)
        let now = FuzzInstantClock().now()
        _ = RetryPolicy.parseHTTPDate(value)
        let names = ["Retry-After", "retry-after-ms", "x-ms-retry-after-ms"].compactMap { HTTPField.Name($0) }
        var together = HTTPFields()
        for name in names {
            var alone = HTTPFields()
            alone.append(HTTPField(name: name, value: value))
            check(RetryPolicy.serverRequestedDelay(alone, now: now))
            together.append(HTTPField(name: name, value: value))
        }
        check(RetryPolicy.serverRequestedDelay(together, now: now))
    }

    /// Traps when a delay is out of its range.
    static func check(_ delay: Duration?) {
        guard let delay else { return }
        precondition(delay >= .zero, "a negative server-requested delay: \(delay)")
        precondition(delay <= RetryPolicy.maximumServerRequestedDelay, "a server-requested delay above the maximum: \(delay)")
    }
}
