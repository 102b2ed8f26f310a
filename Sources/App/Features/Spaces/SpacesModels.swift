import Foundation
import Hummingbird

enum SpaceKind: String, Codable, Sendable {
    case oneToOne, group, network

    /// Spaces that have clients: an expert's read of them goes to the access log.
    var hasClients: Bool { self != .network }
}

enum SpaceStatus: String, Codable, Sendable {
    case open, closed
}

enum SpaceRole: String, Codable, Sendable {
    case owner, expert, client

    var isExpert: Bool { self != .client }
}

enum ConsentMethod: String, Codable, Sendable {
    case inPerson, phone, electronic
}

enum HistoryChoice: String, Codable, Sendable {
    case all, fromNow
}

/// What an event of a space is. Stored as text in `space_event.kind`.
enum SpaceEventKind: String, Codable, Sendable, CaseIterable {
    case spaceOpened, spaceClosed, spaceRenamed
    case memberJoined, memberLeft, memberRemoved, ownerChanged
    case message, messageEdited, messageDeleted
    case fileAdded
    case pickAdded, pickChanged, pickRemoved
    case taskAdded, taskChanged, taskCommented, taskRemoved
    case meetingAdded, meetingChanged, meetingCancelled, meetingResponded

    /// Kinds that make an in-app notification for the members who are not looking at the space.
    var notifies: Bool {
        switch self {
        case .message, .memberJoined, .fileAdded, .pickAdded, .pickChanged, .taskAdded, .taskChanged, .taskCommented, .meetingAdded,
            .meetingChanged, .meetingCancelled, .meetingResponded:
            true
        default: false
        }
    }
}

/// The caller's standing in one space, resolved once per request (or kept per socket).
struct SpaceAccess: Sendable, Equatable {
    let spaceId: String
    let userId: String
    let role: SpaceRole
    let organizationId: String?
    /// Events with seq <= this are hidden from the member ("from now on").
    let visibleAfter: Int64
    let kind: SpaceKind
    let status: SpaceStatus

    var isExpert: Bool { role.isExpert }
    var isOwner: Bool { role == .owner }
    var canWrite: Bool { status == .open }
}

/// The consent text that the expert goes through with the client. A new wording gets a new version;
/// the record keeps the version and the text as shown.
enum ConsentText {
    static let version = "2026-12"

    static func text(_ language: Language) -> String {
        switch language {
        case .fi:
            "Annan suostumukseni siihen, että minulle avataan ohjaustila. Siinä työskentelevät kanssani asiantuntijat, "
                + "jotka tarvitsen avukseni, myös muista organisaatioista. Näen aina, kuka tilaan on liitetty ja kuka on "
                + "katsonut tietojani. Voin perua suostumukseni milloin tahansa kertomalla siitä vastuuasiantuntijalle."
        case .sv:
            "Jag samtycker till att ett vägledningsrum öppnas för mig. Där arbetar de sakkunniga som jag behöver, "
                + "också från andra organisationer, tillsammans med mig. Jag ser alltid vem som har lagts till i rummet och "
                + "vem som har sett mina uppgifter. Jag kan när som helst återkalla mitt samtycke genom att säga det till "
                + "den ansvariga sakkunniga."
        case .en:
            "I consent to a guidance space being opened for me. The experts I need, also from other organisations, work "
                + "with me there. I can always see who has been added to the space and who has viewed my data. I can "
                + "withdraw my consent at any time by telling the responsible expert."
        }
    }
}

// MARK: - Records

struct SpaceRecord: AppRecord {
    static let databaseTableName = "space"
    var id: String
    var kind: String
    var title: String
    var ownerId: String?
    var status: String
    var outcome: String?
    var maxClients: Int
    var lastSeq: Int64
    var lastActivityAt: Int64
    var createdBy: String?
    var createdAt: Int64
    var closedAt: Int64?
}

struct SpaceMemberRecord: AppRecord {
    static let databaseTableName = "space_member"
    var spaceId: String
    var userId: String
    var role: String
    var organizationId: String?
    var visibleAfter: Int64
    var readSeq: Int64
    var addedBy: String?
    var joinedAt: Int64
    var leftAt: Int64?
}

struct SpaceConsentRecord: AppRecord {
    static let databaseTableName = "space_consent"
    var id: String
    var spaceId: String
    var clientEmail: String
    var clientId: String?
    var method: String
    var textVersion: String
    var text: String
    var language: String
    var recordedBy: String?
    var recordedAt: Int64
}

struct SpaceEventRecord: AppRecord {
    static let databaseTableName = "space_event"
    var spaceId: String
    var seq: Int64
    var kind: String
    var actorId: String?
    var audienceId: String?
    var messageId: String?
    var data: String
    var createdAt: Int64
}

struct MessageRecord: AppRecord {
    static let databaseTableName = "message"
    var id: String
    var spaceId: String
    var seq: Int64
    var senderId: String
    var clientMessageId: String
    var audienceId: String?
    var body: String?
    var attachments: String
    var createdAt: Int64
    var editedAt: Int64?
    var deletedAt: Int64?
}

// MARK: - API types

struct OrganizationRef: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let sector: Sector
}

struct MemberDTOSpace: ResponseCodable, Sendable, Equatable {
    let userId: String
    let displayName: String
    let role: SpaceRole
    @Nullable var organization: OrganizationRef?
    @Nullable var readSeq: Int64?
    @Nullable var joinedAt: Date?
}

struct PendingClientDTO: Codable, Sendable, Equatable {
    let invitationId: String
    let email: String
    let createdAt: Date
}

struct SpaceSummaryDTO: Codable, Sendable, Equatable {
    let id: String
    let kind: SpaceKind
    let title: String
    let status: SpaceStatus
    let role: SpaceRole
    let unread: Int
    let lastSeq: Int64
    let readSeq: Int64
    let lastActivityAt: Date
    @Nullable var ownerName: String?
}

/// The space as one member sees it: the list entry's fields (flattened on the wire, and read as
/// `space.title`), and the details.
@dynamicMemberLookup
struct SpaceDTO: ResponseCodable, Sendable, Equatable {
    let summary: SpaceSummaryDTO

    subscript<Value>(dynamicMember field: KeyPath<SpaceSummaryDTO, Value>) -> Value { summary[keyPath: field] }
    let ownerId: String?
    let outcome: String?
    let maxClients: Int
    let createdAt: Date
    let closedAt: Date?
    let canWrite: Bool
    let members: [MemberDTOSpace]
    let pendingClients: [PendingClientDTO]?
    /// The largest file a member may upload (`--max-upload-mb`).
    var maxFileBytes: Int64 = 0

    init(
        summary: SpaceSummaryDTO, ownerId: String?, outcome: String?, maxClients: Int, createdAt: Date, closedAt: Date?,
        members: [MemberDTOSpace], pendingClients: [PendingClientDTO]?
    ) {
        self.summary = summary
        self.ownerId = ownerId
        self.outcome = outcome
        self.maxClients = maxClients
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.canWrite = summary.status == .open
        self.members = members
        self.pendingClients = pendingClients
    }

    private enum CodingKeys: String, CodingKey {
        case ownerId, outcome, maxClients, createdAt, closedAt, canWrite, members, pendingClients, maxFileBytes
    }

    init(from decoder: any Decoder) throws {
        summary = try SpaceSummaryDTO(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ownerId = try c.decodeIfPresent(String.self, forKey: .ownerId)
        outcome = try c.decodeIfPresent(String.self, forKey: .outcome)
        maxClients = try c.decode(Int.self, forKey: .maxClients)
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        closedAt = try c.decodeIfPresent(Date.self, forKey: .closedAt)
        canWrite = try c.decode(Bool.self, forKey: .canWrite)
        members = try c.decode([MemberDTOSpace].self, forKey: .members)
        pendingClients = try c.decodeIfPresent([PendingClientDTO].self, forKey: .pendingClients)
        maxFileBytes = try c.decode(Int64.self, forKey: .maxFileBytes)
    }

    /// Absent optionals are written as `null`, as everywhere else in the API.
    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ownerId, forKey: .ownerId)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(maxClients, forKey: .maxClients)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(closedAt, forKey: .closedAt)
        try c.encode(canWrite, forKey: .canWrite)
        try c.encode(members, forKey: .members)
        try c.encode(pendingClients, forKey: .pendingClients)
        try c.encode(maxFileBytes, forKey: .maxFileBytes)
    }
}

struct ConsentDTO: Codable, Sendable, Equatable {
    let id: String
    let clientEmail: String
    @Nullable var clientId: String?
    let method: ConsentMethod
    let textVersion: String
    let text: String
    let language: Language
    @Nullable var recordedBy: UserRef?
    let recordedAt: Date
}

struct UserRef: Codable, Sendable, Equatable {
    let userId: String
    let displayName: String
}

struct Items<Item: Codable & Sendable>: ResponseCodable, Sendable {
    let items: [Item]
}

/// One event as members see it, over HTTP and WebSocket.
struct SpaceEventDTO: ResponseCodable, Sendable, Equatable {
    let spaceId: String
    let seq: Int64
    let kind: SpaceEventKind
    let data: EventData
    let createdAt: Date
    @Nullable var actorId: String?
    @Nullable var audienceId: String?
    /// For an edit or a delete: the seq of the message it changes, which the viewer must be allowed
    /// to see too (a member added "from now on" sees nothing about earlier messages). Not sent.
    var itemSeq: Int64? = nil

    enum CodingKeys: String, CodingKey {
        case spaceId, seq, kind, data, createdAt, actorId, audienceId
    }
}

struct InvitedDTO: ResponseCodable, Sendable {
    let invitationId: String
}

struct ConsentInput: Decodable, Sendable {
    let method: ConsentMethod
}

struct ClientInput: Decodable, Sendable {
    let email: String
    let consent: ConsentInput?
}

struct CreateSpaceInput: Decodable, Sendable {
    let kind: SpaceKind?
    let title: String
    let clientEmail: String?
    let consent: ConsentInput?
    let language: Language?
    let maxClients: Int?
    let clients: [ClientInput]?
}

struct RenameSpaceInput: Decodable, Sendable {
    let title: String
}

struct CloseSpaceInput: Decodable, Sendable {
    let outcome: String
}

struct AddMemberInput: Decodable, Sendable {
    let email: String
    let history: HistoryChoice?
}

struct TransferOwnerInput: Decodable, Sendable {
    let userId: String
}

struct ConsentTextDTO: ResponseCodable, Sendable {
    let version: String
    let text: String
}

/// The data of every event kind in one shape; each kind fills its own fields (docs/api.md lists them).
struct EventData: Codable, Sendable, Equatable {
    var title: String? = nil
    var kind: SpaceKind? = nil
    var outcome: String? = nil
    var userId: String? = nil
    var displayName: String? = nil
    var role: SpaceRole? = nil
    var organization: OrganizationRef? = nil
    var history: HistoryChoice? = nil
    var email: String? = nil
    var messageId: String? = nil
    var clientMessageId: String? = nil
    var senderId: String? = nil
    var body: String? = nil
    var attachments: [AttachmentDTO]? = nil
    var editedAt: Date? = nil
    var deleted: Bool? = nil
    var fileId: String? = nil
    var name: String? = nil
    var size: Int64? = nil
    var contentType: String? = nil
    /// A file uploaded to go with a message (the message shows it; no note of its own).
    var attachment: Bool? = nil
    var pickId: String? = nil
    var serviceId: String? = nil
    var serviceName: LocalText? = nil
    /// A pick's or a task's status after the change.
    var status: String? = nil
    var taskId: String? = nil
    var assigneeId: String? = nil
    var dueAt: Date? = nil
    var commentId: String? = nil
    var meetingId: String? = nil
    var startsAt: Date? = nil
    var endsAt: Date? = nil
    /// A participant's answer to a meeting.
    var response: String? = nil
    /// The fields a change of a pick or a task touched (`status`, `note`, `position`, `title`, …).
    var changed: [String]? = nil
}

struct AttachmentDTO: Codable, Sendable, Equatable {
    let id: String
    let name: String
    let size: Int64
    let contentType: String
}

enum AccessLogKind: String, Codable, Sendable {
    case messages, files, file, members, space, consent, picks, tasks, meetings

    /// Reads of one kind by one reader within this long make one record (a page that refreshes
    /// its lists would otherwise write one per refresh). Each download of a file is its own record.
    var window: TimeInterval { self == .file ? 0 : 600 }
}

struct AccessLogEntryDTO: Codable, Sendable, Equatable {
    let readerId: String
    let readerName: String
    @Nullable var organization: OrganizationRef?
    let kind: AccessLogKind
    let readAt: Date
}
