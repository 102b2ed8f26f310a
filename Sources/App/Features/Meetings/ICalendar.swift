import Foundation

/// RFC 5545 text for meetings: one meeting to download, or a user's feed. Times are written in the
/// meeting's zone (Europe/Helsinki, with its VTIMEZONE) so calendars show the local time that was
/// agreed, also across the changes to and from summer time; DTSTAMP is UTC.
struct ICalendar {
    /// The host part of every UID (`<meeting id>@<host>`): stable for a meeting.
    let host: String
    let now: Date

    /// One calendar entry of a meeting.
    struct Entry {
        let meeting: MeetingDTO
        let summary: String
        let description: String
    }

    /// `METHOD:CANCEL` for a single cancelled meeting; `PUBLISH` otherwise (feeds always publish, with
    /// a cancelled entry's STATUS:CANCELLED).
    func document(_ entries: [Entry], method: String, name: String? = nil) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ohjaustila//Ohjaustila//FI", "CALSCALE:GREGORIAN", "METHOD:\(method)"]
        if let name { lines.append("X-WR-CALNAME:\(Self.escape(name))") }
        lines += Self.helsinki
        for entry in entries { lines += event(entry) }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func event(_ entry: Entry) -> [String] {
        let m = entry.meeting
        var lines = [
            "BEGIN:VEVENT",
            "UID:\(m.id)@\(host)",
            "DTSTAMP:\(Self.utc(now))",
            "DTSTART\(Self.time(m.startsAt))",
            "DTEND\(Self.time(m.endsAt))",
            "SEQUENCE:\(m.sequence)",
            "SUMMARY:\(Self.escape(entry.summary))",
            "STATUS:\(m.status == .cancelled ? "CANCELLED" : "CONFIRMED")",
            "LAST-MODIFIED:\(Self.utc(m.updatedAt))",
            "CREATED:\(Self.utc(m.createdAt))",
        ]
        if !m.location.isEmpty { lines.append("LOCATION:\(Self.escape(m.location))") }
        if m.kind == .video, m.location.hasPrefix("https://") { lines.append("URL:\(m.location)") }
        lines.append("DESCRIPTION:\(Self.escape(entry.description))")
        lines.append("END:VEVENT")
        return lines
    }

    /// Europe/Helsinki since 1996: EET (+02:00), summer time EEST (+03:00) from the last Sunday of
    /// March 03:00 to the last Sunday of October 04:00 local time.
    static let helsinki = [
        "BEGIN:VTIMEZONE", "TZID:\(MeetingRules.zone)", "X-LIC-LOCATION:\(MeetingRules.zone)",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0300", "TZNAME:EEST", "DTSTART:19700329T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0300", "TZOFFSETTO:+0200", "TZNAME:EET", "DTSTART:19701025T040000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]

    static let zone = TimeZone(identifier: MeetingRules.zone) ?? TimeZone(secondsFromGMT: 7200)!

    /// `;TZID=Europe/Helsinki:20270329T100000`, or `:20261025T003000Z` within an hour of a change
    /// to or from summer time, where a local time may occur twice or not at all (UTC is exact).
    static func time(_ date: Date) -> String {
        let near = zone.secondsFromGMT(for: date.addingTimeInterval(-3600)) != zone.secondsFromGMT(for: date.addingTimeInterval(3600))
        return near ? ":" + utc(date) : ";TZID=\(MeetingRules.zone):" + local(date)
    }

    static func local(_ date: Date) -> String { stamp(date, zone: zone, suffix: "") }
    static func utc(_ date: Date) -> String { stamp(date, zone: TimeZone(secondsFromGMT: 0)!, suffix: "Z") }

    private static func stamp(_ date: Date, zone: TimeZone, suffix: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + suffix
    }

    /// TEXT values: backslash, semicolon and comma escaped, line breaks as `\n`, other control
    /// characters dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default:
                if ch.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) { out.append(ch) }
            }
        }
        return out
    }

    /// Lines longer than 75 octets are folded (CRLF and a space), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var parts: [String] = []
        var current = ""
        var size = 0
        for ch in line {
            let n = String(ch).utf8.count
            let limit = parts.isEmpty ? 75 : 74
            if size + n > limit {
                parts.append(current)
                current = ""
                size = 0
            }
            current.append(ch)
            size += n
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
