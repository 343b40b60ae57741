import Foundation

/// Reads an HTTP date (RFC 9110, section 5.6.7) without `DateFormatter`.
///
/// The three forms a recipient must accept, always in GMT:
/// - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`;
/// - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year more than 50 years ahead of `now` is read as the
///   most recent past year with the same last two digits);
/// - asctime: `Sun Nov  6 08:49:37 1994`.
///
/// The day name must be a real one but is not checked against the date; the date and time must exist (a second of
/// 60 is read as 59). Anything else gives `nil`. The work is bounded by the value's length, which is checked first.
/// Foundation's `DateFormatter` on Linux allocates and leaks a character set for some inputs, and costs a formatter
/// per form, which a server's header must not be able to drive.
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let shortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// The date the value names, or `nil`.
    static func parse(_ value: String, now: Date = Date()) -> Date? {
        let bytes = Array(value.utf8)
        guard bytes.count <= 40 else { return nil }  // the longest form (RFC 850 with "Wednesday") has 33
        var reader = Reader(bytes: bytes)
        if let date = imfFixdate(&reader) { return date }
        reader = Reader(bytes: bytes)
        if let date = rfc850(&reader, now: now) { return date }
        reader = Reader(bytes: bytes)
        return asctime(&reader)
    }

    /// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    private static func imfFixdate(_ reader: inout Reader) -> Date? {
        guard let parts = nameDayMonthYearTime(&reader, dayNames: shortDays, separator: " ", yearDigits: 4) else { return nil }
        return date(year: parts.year, month: parts.month, day: parts.day, time: parts.time)
    }

    /// RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`, the two-digit year pivoted on `now`.
    private static func rfc850(_ reader: inout Reader, now: Date) -> Date? {
        guard let parts = nameDayMonthYearTime(&reader, dayNames: longDays, separator: "-", yearDigits: 2) else { return nil }
        let currentYear = civil(fromDays: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))).year
        var year = currentYear - currentYear % 100 + parts.year
        if year > currentYear + 50 { year -= 100 }
        return date(year: year, month: parts.month, day: parts.day, time: parts.time)
    }

    /// The shape both forms share: `<day name>, DD<sep><Mon><sep><year> HH:MM:SS GMT`, to the end of the value.
    private static func nameDayMonthYearTime(
        _ reader: inout Reader, dayNames: [String], separator: StaticString, yearDigits: Int
    ) -> (day: Int, month: Int, year: Int, time: (hour: Int, minute: Int, second: Int))? {
        guard reader.word(in: dayNames) != nil, reader.literal(", "),
            let day = reader.digits(2), reader.literal(separator),
            let month = reader.word(in: months), reader.literal(separator),
            let year = reader.digits(yearDigits), reader.literal(" "),
            let time = reader.timeOfDay(), reader.literal(" GMT"), reader.atEnd
        else { return nil }
        return (day, month + 1, year, time)
    }

    private static func asctime(_ reader: inout Reader) -> Date? {
        guard reader.word(in: shortDays) != nil, reader.literal(" "),
            let month = reader.word(in: months), reader.literal(" ")
        else { return nil }
        let day: Int
        if reader.literal(" ") {
            guard let digit = reader.digits(1) else { return nil }
            day = digit
        } else {
            guard let digits = reader.digits(2) else { return nil }
            day = digits
        }
        guard reader.literal(" "), let time = reader.timeOfDay(), reader.literal(" "),
            let year = reader.digits(4), reader.atEnd
        else { return nil }
        return date(year: year, month: month + 1, day: day, time: time)
    }

    private static func date(year: Int, month: Int, day: Int, time: (hour: Int, minute: Int, second: Int)) -> Date? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            (0...23).contains(time.hour), (0...59).contains(time.minute), (0...60).contains(time.second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3_600 + time.minute * 60 + min(time.second, 59)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date: whole 400-year eras of 146,097 days, with the year
    /// counted from March so that the leap day falls at the end.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year of a day count since 1970-01-01 (the inverse of ``daysFromCivil(year:month:day:)`` for the year).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A cursor over the value's bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let matches = text.withUTF8Buffer { expected in
                expected.indices.allSatisfy { bytes[index + $0] == expected[$0] }
            }
            if matches { index += count }
            return matches
        }

        /// The index in `words` of the word at the cursor (exact case). No word of a list is a prefix of another.
        mutating func word(in words: [String]) -> Int? {
            for (position, word) in words.enumerated() {
                let count = word.utf8.count
                if bytes.count - index >= count, word.utf8.elementsEqual(bytes[index..<index + count]) {
                    index += count
                    return position
                }
            }
            return nil
        }

        /// Exactly `count` ASCII digits.
        mutating func digits(_ count: Int) -> Int? {
            guard bytes.count - index >= count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }

        /// `HH:MM:SS`.
        mutating func timeOfDay() -> (hour: Int, minute: Int, second: Int)? {
            guard let hour = digits(2), literal(":"), let minute = digits(2), literal(":"), let second = digits(2)
            else { return nil }
            return (hour, minute, second)
        }
    }
}
