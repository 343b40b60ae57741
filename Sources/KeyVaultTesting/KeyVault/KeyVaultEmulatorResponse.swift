import Foundation
public import HTTPTypes

/// The emulator's answer to one ``KeyVaultEmulatorRequest``.
public struct KeyVaultEmulatorResponse: Sendable {
    /// The status.
    public var status: HTTPResponse.Status
    /// The header fields (`Content-Type`, `WWW-Authenticate`, `Retry-After`, `x-ms-*`).
    public var headerFields: HTTPFields
    /// The JSON body.
    public var body: Data

    /// Creates a response.
    /// - Parameters:
    ///   - status: The status.
    ///   - headerFields: The header fields.
    ///   - body: The body.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: Data = Data()) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// The body decoded as a JSON object, for tests.
    /// - Returns: The top-level object, or `nil` if the body is not a JSON object.
    public func jsonObject() -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}
