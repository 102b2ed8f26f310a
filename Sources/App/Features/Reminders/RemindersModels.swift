import Foundation
import Hummingbird

/// What an in-app reminder is about.
enum ReminderKind: String, Codable, Sendable {
    case taskDue, meeting
}

/// A reminder in the app: the task or meeting it is about, with its space.
struct ReminderDTO: Codable, Sendable, Equatable {
    let id: String
    let kind: ReminderKind
    let spaceId: String
    let spaceTitle: String
    let itemId: String
    let title: String
    /// The task's due time or the meeting's start.
    let at: Date
    let createdAt: Date
    @Nullable var readAt: Date?
}

struct ReminderPage: ResponseCodable, Sendable {
    let items: [ReminderDTO]
    @Nullable var nextCursor: String?
    let unread: Int
}

struct MarkRemindersReadInput: Decodable, Sendable {
    let ids: [String]?
    let all: Bool?
}

/// Quiet hours in Europe/Helsinki, as minutes after midnight. Start after end spans midnight (the
/// default, 21–08); start equal to end is no quiet hours at all.
struct QuietHours: Sendable, Equatable {
    var start: Int
    var end: Int

    static let zone = TimeZone(identifier: "Europe/Helsinki")!

    /// `now` when it is not quiet; else the moment the quiet hours end.
    func release(after now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let quiet = start < end ? (minute >= start && minute < end) : start > end && (minute >= start || minute < end)
        guard quiet else { return now }
        return calendar.nextDate(
            after: now, matching: DateComponents(hour: end / 60, minute: end % 60, second: 0), matchingPolicy: .nextTime) ?? now
    }

    /// "21:00" as minutes; nil for anything else.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }

    static func text(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}

/// A user's notification settings; a user who never saved any has `defaults`.
struct NotificationSettings: Sendable, Equatable {
    var email: Bool
    var push: Bool
    var quietHours: QuietHours?
    /// Minutes before a meeting starts, at most four.
    var meetingLeads: [Int]
    /// Minutes before a task is due; nil: no reminders of due tasks (unless the task names a time).
    var taskLead: Int?

    static let defaults = NotificationSettings(
        email: true, push: true, quietHours: QuietHours(start: 21 * 60, end: 8 * 60), meetingLeads: [1440, 60], taskLead: 1440)
    static let maxLead = 14 * 1440
}

struct NotificationSettingsDTO: ResponseCodable, Sendable, Equatable {
    struct Quiet: Codable, Sendable, Equatable {
        let start: String
        let end: String
    }
    let email: Bool
    let push: Bool
    @Nullable var quietHours: Quiet?
    let meetingReminderMinutes: [Int]
    @Nullable var taskReminderMinutes: Int?
    /// The time zone quiet hours are in.
    let timeZone: String

    init(_ s: NotificationSettings) {
        email = s.email
        push = s.push
        quietHours = s.quietHours.map { Quiet(start: QuietHours.text($0.start), end: QuietHours.text($0.end)) }
        meetingReminderMinutes = s.meetingLeads
        taskReminderMinutes = s.taskLead
        timeZone = QuietHours.zone.identifier
    }
}

/// The whole settings (a PUT): every field must be given; `quietHours` and `taskReminderMinutes`
/// may be null (none).
struct NotificationSettingsInput: Decodable, Sendable {
    let email: Bool
    let push: Bool
    let quietHours: NotificationSettingsDTO.Quiet?
    let meetingReminderMinutes: [Int]
    let taskReminderMinutes: Int?
}

/// The input of a `reminder` job: which item, for whom, and what of the item it was planned for —
/// a meeting's SEQUENCE (`version`), a task's due and reminder times. A change that moves them plans
/// it anew; one that does not (a new title) leaves it, so nobody is reminded twice.
struct ReminderJobInput: Codable, Sendable {
    let kind: ReminderKind
    let itemId: String
    let userId: String
    var version: Int64 = 0
    var dueAt: Int64? = nil
    var remindAt: Int64? = nil
}

/// Why a notification leaves the app: texts and links say only this.
enum AlertKind: String, Codable, Sendable {
    case message, reminder
}
