import Foundation
import HTTPTypes
import Testing
@testable import AzureCore

/// HTTP dates in the three forms of RFC 9110, read without `DateFormatter` (which leaked on a fuzzed `Retry-After`).
@Suite struct HTTPDateTests {
    /// RFC 9110's example instant, Sun, 06 Nov 1994 08:49:37 GMT.
    static let example = Date(timeIntervalSince1970: 784_111_777)
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01

    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
    func theThreeFormsOfTheExample(value: String) {
        #expect(HTTPDate.parse(value, now: Self.now) == Self.example)
        #expect(RetryPolicy.parseHTTPDate(value) == Self.example)
    }

    @Test func asctimeWithATwoDigitDayAndALeapDay() {
        #expect(HTTPDate.parse("Thu Feb 29 00:00:00 2024") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 00:00:00 GMT") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(HTTPDate.parse("Fri, 31 Dec 1999 23:59:59 GMT") == Date(timeIntervalSince1970: 946_684_799))
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
    }

    /// A two-digit year more than 50 years ahead is the most recent past year with those digits.
    @Test func rfc850YearsPivotFiftyYearsAhead() throws {
        func year(_ value: String) throws -> Int {
            let date = try #require(HTTPDate.parse(value, now: Self.now))
            return HTTPDate.civil(fromDays: Int(date.timeIntervalSince1970 / 86_400)).year
        }
        #expect(try year("Sunday, 06-Nov-94 08:49:37 GMT") == 1994)
        #expect(try year("Tuesday, 01-Jan-30 00:00:00 GMT") == 2030)
        #expect(try year("Monday, 01-Jan-76 00:00:00 GMT") == 2076)
        #expect(try year("Monday, 01-Jan-77 00:00:00 GMT") == 1977)
    }

    @Test(arguments: [
        "Sun, 31 Feb 1994 08:49:37 GMT",  // no such day
        "Sun, 29 Feb 2023 08:49:37 GMT",  // not a leap year
        "Sun, 29 Feb 1900 08:49:37 GMT",  // a century that is not a leap year
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "sun, 06 Nov 1994 08:49:37 GMT",  // case is exact
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",  // HTTP dates are GMT
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08:49:37 1994 GMT",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, ０6 Nov 1994 08:49:37 GMT",  // a full-width digit
        "",
        "\\\\\\ OcS",
    ])
    func refused(value: String) {
        #expect(HTTPDate.parse(value, now: Self.now) == nil)
    }

    @Test func aLongValueIsRefusedBeforeReading() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT" + String(repeating: " ", count: 100_000)) == nil)
    }

    /// The fuzzer's input that made Foundation's `DateFormatter` leak: not a date, and no longer a formatter's input.
    @Test func theFuzzedRetryAfterIsNotADate() {
        let bytes: [UInt8] = [0x5C, 0x5C, 0x5C, 0x20, 0x4F, 0x63, 0x53, 0x87, 0x87, 0xFF, 0xFF, 0xF2, 0x87, 0x87, 0x87, 0x87, 0x01]
        let value = String(decoding: bytes, as: UTF8.self)
        #expect(HTTPDate.parse(value) == nil)
        var fields = HTTPFields()
        fields[.retryAfter] = value
        #expect(RetryPolicy.serverRequestedDelay(fields, now: Self.now) == nil)
    }

    /// The day arithmetic agrees with Foundation's Gregorian calendar, and inverts, across 1600 to 2400.
    @Test func dayArithmeticAgreesWithTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "GMT"))
        for days in stride(from: -135_140, through: 157_000, by: 367) {
            let (year, month, day) = HTTPDate.civil(fromDays: days)
            #expect(HTTPDate.daysFromCivil(year: year, month: month, day: day) == days)
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(components.year == year && components.month == month && components.day == day, "\(days)")
        }
    }
}
