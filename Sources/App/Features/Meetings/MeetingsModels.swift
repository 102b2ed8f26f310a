import Foundation
import Hummingbird

enum MeetingKind: String, Codable, Sendable {
    case inPerson, phone, video
}

enum MeetingStatus: String, Codable, Sendable {
    case scheduled, cancelled
}

enum MeetingResponse: String, Codable, Sendable {
    case pending, accepted, declined, proposed
}

struct MeetingRecord: AppRecord {
    static let databaseTableName = "meeting"
    var id: String
    var spaceId: String
    var title: String
    var startsAt: Int64
    var endsAt: Int64
    var timeZone: String
    var kind: String
    var location: String
    var status: String
    var cancelReason: String?
    var sequence: Int
    var audienceId: String?
    var seq: Int64
    var slotId: String?
    var createdBy: String?
    var createdAt: Int64
    var updatedAt: Int64
}

struct ParticipantDTO: Codable, Sendable, Equatable {
    let userId: String
    let displayName: String
    let isExpert: Bool
    let response: MeetingResponse
    @Nullable var proposedStartsAt: Date?
    @Nullable var respondedAt: Date?
}

struct MeetingDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let spaceId: String
    let spaceTitle: String
    let title: String
    let startsAt: Date
    let endsAt: Date
    let durationMinutes: Int
    /// The zone the meeting is held in (calendars show it in this zone).
    let timeZone: String
    let kind: MeetingKind
    let location: String
    let status: MeetingStatus
    @Nullable var cancelReason: String?
    /// RFC 5545 SEQUENCE of the meeting's calendar entry.
    let sequence: Int
    @Nullable var audienceId: String?
    @Nullable var slotId: String?
    @Nullable var createdBy: String?
    let createdAt: Date
    let updatedAt: Date
    let participants: [ParticipantDTO]
}

struct CreateMeetingInput: Decodable, Sendable {
    /// ISO-8601 with an offset or `Z`.
    let startsAt: String
    let durationMinutes: Int
    let kind: MeetingKind
    let participantIds: [String]
    var location: String?
    var title: String?
    /// A group space: the one client the meeting is about (by default a meeting with one client of a
    /// group is private to them).
    var privateTo: String?
}

struct UpdateMeetingInput: Decodable, Sendable {
    var startsAt: String?
    var durationMinutes: Int?
    var kind: MeetingKind?
    var location: String?
    var title: String?
}

struct CancelMeetingInput: Decodable, Sendable {
    var reason: String?
}

struct RespondInput: Decodable, Sendable {
    let response: MeetingResponse
    /// With `proposed`: the time the participant would rather meet.
    var proposedStartsAt: String?
}

struct SlotRecord: AppRecord {
    static let databaseTableName = "meeting_slot"
    var id: String
    var expertId: String
    var startsAt: Int64
    var endsAt: Int64
    var kind: String
    var location: String
    var meetingId: String?
    var createdAt: Int64
}

struct SlotDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let expertId: String
    let expertName: String
    let startsAt: Date
    let endsAt: Date
    let kind: MeetingKind
    let location: String
    let booked: Bool
    /// For the expert who published it: the meeting it was booked as.
    @Nullable var meetingId: String?
}

/// One slot, or a weekly pattern of slots over a date range (local times in Europe/Helsinki).
struct CreateSlotsInput: Decodable, Sendable {
    var startsAt: String?
    var durationMinutes: Int
    var kind: MeetingKind
    var location: String?
    var weekly: WeeklyPattern?

    struct WeeklyPattern: Decodable, Sendable {
        /// `2027-03-01`: the first and last day (inclusive).
        let from: String
        let to: String
        /// ISO weekdays, 1 = Monday … 7 = Sunday.
        let weekdays: [Int]
        /// `09:00` and `12:00`: the day's bookable window; slots of `durationMinutes` follow each
        /// other with `bufferMinutes` between them and end by `endTime`.
        let startTime: String
        let endTime: String
        var bufferMinutes: Int?
    }
}

struct BookSlotInput: Decodable, Sendable {
    let spaceId: String
}

struct CalendarFeedDTO: ResponseCodable, Sendable, Equatable {
    let active: Bool
    @Nullable var createdAt: Date?
    /// Only in the answer that made it: the secret is not kept.
    @Nullable var url: String?
}

enum MeetingRules {
    static let zone = "Europe/Helsinki"
    static let maxTitle = 200, maxLocation = 500, maxReason = 1000, maxParticipants = 30
    static let durations = 5...480
    static let maxSlotsPerRequest = 500
    static let maxPatternDays = 190
}
