import AzureCore
import Foundation
import HTTPTypes

/// Reads a list of HTTP responses from a fuzz input, for targets that drive a client through a transport.
///
/// Responses are separated by NUL bytes (at most eight). Each is written like an HTTP/1.1 response without the
/// version: a status line (`200`), header lines (`Retry-After: 5`), an empty line, then the body. A part
/// without an empty line is all header (no body); an unreadable status becomes 200; header lines that are not a
/// valid field name and value are skipped.
enum ScriptedHTTPResponses {
    /// The most responses one input may hold.
    static let maximumResponses = 8

    /// Parses the responses of an input.
    static func parse(_ data: Data) -> [HTTPTransportResponse] {
        FuzzInput.parts(data, limit: maximumResponses).map(response(from:))
    }

    /// Parses one response.
    static func response(from part: Data) -> HTTPTransportResponse {
        let bytes = Array(part)
        var headEnd = bytes.count
        var bodyStart = bytes.count
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\n"), bytes[index + 1] == UInt8(ascii: "\n") {
                headEnd = index
                bodyStart = index + 2
                break
            }
            index += 1
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        let body = Data(bytes[bodyStart...])
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let code = Int(statusLine.trimmingCharacters(in: .whitespaces)).flatMap { (100...599).contains($0) ? $0 : nil } ?? 200
        var fields = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"),
                  let name = HTTPField.Name(String(line[..<colon]).trimmingCharacters(in: .whitespaces))
            else { continue }
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            fields.append(HTTPField(name: name, value: value))
        }
        return HTTPTransportResponse(response: HTTPResponse(status: .init(code: code), headerFields: fields), body: body)
    }
}
