import Foundation
import HTTPTypes

/// An ``HTTPTransport`` whose requests take a permit from an ``AdaptiveConcurrencyLimiter`` first, and report back
/// how they ended: the latency of an answer, or a 429 with its `Retry-After` (or `x-ms-retry-after-ms`).
///
/// Put it under a ``RetryingTransport`` (as `KeyVaultClient` does with the transport it is given), so that every
/// attempt, retries included, goes through the limiter.
public struct LimitedTransport: HTTPTransport {
    private let base: any HTTPTransport
    /// The limiter.
    public let limiter: AdaptiveConcurrencyLimiter

    /// Wraps a transport.
    /// - Parameters:
    ///   - base: The transport that sends.
    ///   - limiter: The limiter shared by every caller of the same service.
    public init(wrapping base: any HTTPTransport, limiter: AdaptiveConcurrencyLimiter) {
        self.base = base
        self.limiter = limiter
    }

    /// Waits for a permit, sends, and reports the outcome.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        try await limiter.acquire()
        let started = ContinuousClock.now
        let response: HTTPTransportResponse
        do {
            response = try await base.send(request, body: body)
        } catch {
            await limiter.release(.failed)
            throw error
        }
        if response.statusCode == 429 {
            let delay = RetryPolicy.serverRequestedDelay(response.response.headerFields, now: Date())
            await limiter.release(.throttled(retryAfter: delay), startedAt: started)
        } else {
            await limiter.release(.success(latency: ContinuousClock.now - started))
        }
        return response
    }
}
