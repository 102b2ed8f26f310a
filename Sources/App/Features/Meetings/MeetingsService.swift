import Foundation

/// Meetings of a space, experts' bookable slots, the `.ics` of a meeting and each user's calendar
/// feed. No HTTP, no SQL.
struct MeetingsService: Sendable {
    let store: MeetingsStore
    let spaces: SpacesService
    let clock: AppClock
    let ids: IDGenerator
    /// The host of calendar UIDs and the origin of feed links.
    let baseURL: URL
    /// A client may cancel a meeting they booked from a slot until this long before it starts.
    let cancelNotice: TimeInterval

    // MARK: Meetings

    func create(_ spaceId: String, _ input: CreateMeetingInput, by caller: SessionUser?) async throws -> MeetingDTO {
        let access = try await spaces.requireWriter(spaceId, caller)
        guard access.isExpert else { throw AppError.forbidden }
        var errors: [FieldError] = []
        let start = Input.timestamp(input.startsAt, field: "startsAt", errors: &errors)
        if !MeetingRules.durations.contains(input.durationMinutes) { errors.append(FieldError("durationMinutes", "field.invalidValue")) }
        if input.participantIds.count > MeetingRules.maxParticipants || input.participantIds.contains(where: { $0.count > 64 }) {
            errors.append(FieldError("participantIds", "field.invalidValue"))
        }
        let title = (input.title ?? "").trimmed
        let location = (input.location ?? "").trimmed
        errors += Self.textErrors(title: title, location: location, kind: input.kind)
        try Input.check(errors)
        guard let start else { throw AppError.internalError }
        return try await store.create(
            .init(
                title: title, startsAt: start, endsAt: start.addingTimeInterval(Double(input.durationMinutes) * 60), kind: input.kind,
                location: location, participantIds: input.participantIds, privateTo: input.privateTo),
            by: access, now: clock.now)
    }

    static func textErrors(title: String, location: String, kind: MeetingKind) -> [FieldError] {
        var errors: [FieldError] = []
        if title.count > MeetingRules.maxTitle || title.contains(where: \.isNewline) {
            errors.append(FieldError("title", "field.invalidValue"))
        }
        if location.count > MeetingRules.maxLocation { errors.append(FieldError("location", "field.tooLong")) }
        // A video link opens from the calendar and the page: https only.
        if kind == .video, !location.isEmpty {
            let url = URL(string: location)
            if url?.scheme?.lowercased() != "https" || url?.host?.isEmpty != false || location.contains(where: \.isWhitespace) {
                errors.append(FieldError("location", "field.invalidUrl"))
            }
        }
        return errors
    }

    func list(_ spaceId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<MeetingDTO> {
        let access = try await spaces.requireMember(spaceId, caller)
        // Today's and later meetings (and those still going on).
        let meetings = try await store.list(access, from: clock.now.addingTimeInterval(-86_400), page: page)
        try await spaces.logRead(.meetings, access)
        return Page(meetings, page)
    }

    /// The caller's own coming meetings across their spaces.
    func mine(page: PageRequest, by caller: SessionUser?) async throws -> Page<MeetingDTO> {
        guard let caller else { throw AppError.authRequired }
        let meetings = try await store.participating(
            caller.userId, from: clock.now.addingTimeInterval(-86_400), limit: page.limit + 1, offset: page.offset)
        try await logReads(of: Set(meetings.prefix(page.limit).map(\.spaceId)), by: caller)
        return Page(meetings, page)
    }

    private func logReads(of spaceIds: Set<String>, by caller: SessionUser) async throws {
        guard !spaceIds.isEmpty else { return }
        for access in try await spaces.store.accesses(user: caller.userId) where spaceIds.contains(access.spaceId) {
            try await spaces.logRead(.meetings, access)
        }
    }

    func get(_ meetingId: String, by caller: SessionUser?) async throws -> MeetingDTO {
        let access = try await memberAccess(meetingId, caller, writing: false)
        guard let meeting = try await store.meeting(meetingId, access) else { throw AppError.notFound("meeting.notFound") }
        try await spaces.logRead(.meetings, access)
        return meeting
    }

    func update(_ meetingId: String, _ input: UpdateMeetingInput, by caller: SessionUser?) async throws -> MeetingDTO {
        let access = try await memberAccess(meetingId, caller, writing: true)
        guard access.isExpert else { throw AppError.forbidden }
        guard let current = try await store.meeting(meetingId, access) else { throw AppError.notFound("meeting.notFound") }
        var errors: [FieldError] = []
        let start = input.startsAt.flatMap { Input.timestamp($0, field: "startsAt", errors: &errors) } ?? current.startsAt
        let minutes = input.durationMinutes ?? current.durationMinutes
        if !MeetingRules.durations.contains(minutes) { errors.append(FieldError("durationMinutes", "field.invalidValue")) }
        let title = input.title?.trimmed
        let location = input.location?.trimmed
        errors += Self.textErrors(title: title ?? "", location: location ?? current.location, kind: input.kind ?? current.kind)
        try Input.check(errors)
        return try await store.update(
            meetingId,
            .init(
                title: title, startsAt: start, endsAt: start.addingTimeInterval(Double(minutes) * 60), kind: input.kind,
                location: location),
            by: access, now: clock.now)
    }

    /// Experts cancel any meeting of their space; a client cancels a meeting they booked from a slot,
    /// until the notice period before it.
    func cancel(_ meetingId: String, _ input: CancelMeetingInput, by caller: SessionUser?) async throws -> MeetingDTO {
        let access = try await memberAccess(meetingId, caller, writing: true)
        let reason = input.reason?.trimmed
        if let reason, reason.count > MeetingRules.maxReason { throw AppError.validation([FieldError("reason", "field.tooLong")]) }
        let now = clock.now
        let notice = cancelNotice
        return try await store.cancel(meetingId, reason: reason?.isEmpty == true ? nil : reason, by: access, now: now) {
            access, meeting, bookedBy in
            if access.isExpert { return }
            guard bookedBy == access.userId else { throw AppError.forbidden }
            if now.addingTimeInterval(notice).millis > meeting.startsAt { throw AppError(.conflict, "meeting.cancelTooLate") }
        }
    }

    func respond(_ meetingId: String, _ input: RespondInput, by caller: SessionUser?) async throws -> MeetingDTO {
        let access = try await memberAccess(meetingId, caller, writing: true)
        var errors: [FieldError] = []
        var proposed: Date?
        switch input.response {
        case .pending: errors.append(FieldError("response", "field.invalidValue"))
        case .proposed:
            if let text = input.proposedStartsAt {
                proposed = Input.timestamp(text, field: "proposedStartsAt", errors: &errors)
            } else {
                errors.append(FieldError("proposedStartsAt", "field.required"))
            }
        case .accepted, .declined: break
        }
        try Input.check(errors)
        return try await store.respond(meetingId, input.response, proposed: proposed, by: access, now: clock.now)
    }

    /// The caller's access to the meeting's space; 404 for a meeting of a space they are not in.
    private func memberAccess(_ meetingId: String, _ caller: SessionUser?, writing: Bool) async throws -> SpaceAccess {
        let store = store
        return try await spaces.requireMember(
            ofItemIn: { try await store.space(ofMeeting: meetingId) }, notFound: "meeting.notFound", writing: writing, caller)
    }

    // MARK: Calendar files

    /// The `.ics` of one meeting, in the caller's language; a cancelled meeting is `METHOD:CANCEL`.
    func ics(_ meetingId: String, by caller: SessionUser?) async throws -> String {
        let meeting = try await get(meetingId, by: caller)
        let language = caller?.language ?? .fi
        return calendar.document(
            [entry(meeting, language)], method: meeting.status == .cancelled ? "CANCEL" : "PUBLISH")
    }

    private var calendar: ICalendar { ICalendar(host: baseURL.host ?? "ohjaustila", now: clock.now) }

    /// The summary and description of a calendar entry: the meeting's own title (else "Meeting: <space>"),
    /// and a link to the space. No message text.
    private func entry(_ meeting: MeetingDTO, _ language: Language) -> ICalendar.Entry {
        let summary = meeting.title.isEmpty ? MeetingTexts.defaultTitle(language, space: meeting.spaceTitle) : meeting.title
        var description = MeetingTexts.description(language, link: baseURL.appending(path: "spaces/\(meeting.spaceId)").absoluteString)
        if let reason = meeting.cancelReason, meeting.status == .cancelled {
            description = MeetingTexts.cancelled(language, reason: reason) + "\n" + description
        }
        return ICalendar.Entry(meeting: meeting, summary: summary, description: description)
    }

    /// The feed's state for the caller.
    func feed(by caller: SessionUser?) async throws -> CalendarFeedDTO {
        guard let caller else { throw AppError.authRequired }
        let created = try await store.feed(of: caller.userId)
        return CalendarFeedDTO(active: created != nil, createdAt: created, url: nil)
    }

    /// A new secret feed URL; the old one (if any) stops working at once.
    func renewFeed(by caller: SessionUser?) async throws -> CalendarFeedDTO {
        guard let caller else { throw AppError.authRequired }
        let token = Secrets.newToken()
        let now = clock.now
        try await store.replaceFeed(of: caller.userId, hash: Secrets.hash(token), now: now)
        let url = baseURL.appending(path: "api/v1/calendar/\(token).ics").absoluteString
        return CalendarFeedDTO(active: true, createdAt: now, url: url)
    }

    func removeFeed(by caller: SessionUser?) async throws {
        guard let caller else { throw AppError.authRequired }
        try await store.removeFeed(of: caller.userId)
    }

    /// The feed of the secret's owner: their meetings from 30 days back to a year ahead (cancelled
    /// ones as cancelled). A wrong secret is 404, answered alike whatever it is.
    func feedDocument(token: String) async throws -> String {
        guard token.count >= 20, token.count <= 100, let owner = try await store.feedOwner(hash: Secrets.hash(token)) else {
            throw AppError.notFound("calendar.notFound")
        }
        let now = clock.now
        let meetings = try await store.participating(
            owner.userId, from: now.addingTimeInterval(-30 * 86_400), to: now.addingTimeInterval(366 * 86_400), limit: 2000)
        return calendar.document(meetings.map { entry($0, owner.language) }, method: "PUBLISH", name: "Ohjaustila")
    }

    // MARK: Slots

    /// An expert publishes one slot or a weekly pattern; slots that would overlap their own slots or
    /// meetings are left out. Answers the stored ones.
    func addSlots(_ input: CreateSlotsInput, by caller: SessionUser?) async throws -> Items<SlotDTO> {
        guard let caller else { throw AppError.authRequired }
        guard caller.roles.values.contains(where: { $0.contains(.expert) }) else { throw AppError.forbidden }
        var errors: [FieldError] = []
        if !MeetingRules.durations.contains(input.durationMinutes) { errors.append(FieldError("durationMinutes", "field.invalidValue")) }
        let location = (input.location ?? "").trimmed
        errors += Self.textErrors(title: "", location: location, kind: input.kind)
        var starts: [Date] = []
        if let weekly = input.weekly {
            starts = SlotPattern.starts(weekly, minutes: input.durationMinutes, errors: &errors)
        } else if let text = input.startsAt {
            if let start = Input.timestamp(text, field: "startsAt", errors: &errors) { starts = [start] }
        } else {
            errors.append(FieldError("startsAt", "field.required"))
        }
        if starts.count > MeetingRules.maxSlotsPerRequest { errors.append(FieldError("weekly", "slot.tooMany")) }
        let now = clock.now
        if starts.contains(where: { $0 <= now }) && input.weekly == nil { errors.append(FieldError("startsAt", "slot.inPast")) }
        try Input.check(errors)
        let records = starts.filter { $0 > now }.map {
            SlotRecord(
                id: ids.next(), expertId: caller.userId, startsAt: $0.millis,
                endsAt: $0.addingTimeInterval(Double(input.durationMinutes) * 60).millis, kind: input.kind.rawValue, location: location,
                meetingId: nil, createdAt: now.millis)
        }
        let stored = try await store.addSlots(records, now: now)
        let name = try await spaces.store.displayName(user: caller.userId) ?? ""
        return Items(
            items: stored.map {
                SlotDTO(
                    id: $0.id, expertId: $0.expertId, expertName: name, startsAt: Date(millis: $0.startsAt),
                    endsAt: Date(millis: $0.endsAt),
                    kind: input.kind, location: $0.location, booked: false, meetingId: nil)
            })
    }

    /// An expert sees their own slots; a client the free slots of the experts of their open spaces
    /// (of one space with `spaceId`).
    func slots(spaceId: String?, page: PageRequest, by caller: SessionUser?) async throws -> Page<SlotDTO> {
        guard let caller else { throw AppError.authRequired }
        let now = clock.now
        if let spaceId {
            let access = try await spaces.requireMember(spaceId, caller)
            if access.isExpert { return Page(try await store.ownSlots(caller.userId, from: now, page: page), page) }
            return Page(try await store.bookableSlots(for: caller.userId, space: spaceId, from: now, page: page), page)
        }
        if caller.roles.values.contains(where: { $0.contains(.expert) }) {
            return Page(try await store.ownSlots(caller.userId, from: now, page: page), page)
        }
        return Page(try await store.bookableSlots(for: caller.userId, space: nil, from: now, page: page), page)
    }

    func book(_ slotId: String, _ input: BookSlotInput, by caller: SessionUser?) async throws -> MeetingDTO {
        guard slotId.count <= 64 else { throw AppError.notFound("slot.notFound") }
        let access = try await spaces.requireWriter(input.spaceId, caller)
        let title = MeetingTexts.bookedTitle(caller?.language ?? .fi)
        return try await store.book(slotId, by: access, title: title, now: clock.now)
    }

    func deleteSlot(_ slotId: String, by caller: SessionUser?) async throws {
        guard let caller else { throw AppError.authRequired }
        guard slotId.count <= 64, try await store.deleteSlot(slotId, expert: caller.userId) else {
            throw AppError.notFound("slot.notFound")
        }
    }
}

/// The texts of calendar entries, in the reader's language.
enum MeetingTexts {
    static func defaultTitle(_ language: Language, space: String) -> String {
        switch language {
        case .fi: "Tapaaminen: \(space)"
        case .sv: "Möte: \(space)"
        case .en: "Meeting: \(space)"
        }
    }

    static func bookedTitle(_ language: Language) -> String {
        switch language {
        case .fi: "Varattu tapaaminen"
        case .sv: "Bokat möte"
        case .en: "Booked meeting"
        }
    }

    static func description(_ language: Language, link: String) -> String {
        switch language {
        case .fi: "Ohjaustila: \(link)"
        case .sv: "Vägledningsrummet: \(link)"
        case .en: "Guidance space: \(link)"
        }
    }

    static func cancelled(_ language: Language, reason: String) -> String {
        switch language {
        case .fi: "Peruttu: \(reason)"
        case .sv: "Inställt: \(reason)"
        case .en: "Cancelled: \(reason)"
        }
    }
}

/// Expands a weekly pattern of local (Europe/Helsinki) times into the instants of its slots: 10:00
/// stays 10:00 on both sides of a change to or from summer time.
enum SlotPattern {
    static func starts(_ p: CreateSlotsInput.WeeklyPattern, minutes: Int, errors: inout [FieldError]) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ICalendar.zone
        func day(_ text: String, _ field: String) -> DateComponents? {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard text.count == 10, parts.count == 3,
                let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
                calendar.component(.day, from: date) == parts[2]
            else {
                errors.append(FieldError("weekly.\(field)", "field.invalidDate"))
                return nil
            }
            return DateComponents(year: parts[0], month: parts[1], day: parts[2])
        }
        func time(_ text: String, _ field: String) -> Int? {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            guard text.count == 5, parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
                errors.append(FieldError("weekly.\(field)", "field.invalidValue"))
                return nil
            }
            return parts[0] * 60 + parts[1]
        }
        let from = day(p.from, "from")
        let to = day(p.to, "to")
        let startMinute = time(p.startTime, "startTime")
        let endMinute = time(p.endTime, "endTime")
        let buffer = p.bufferMinutes ?? 0
        if !(0...240).contains(buffer) { errors.append(FieldError("weekly.bufferMinutes", "field.invalidValue")) }
        if p.weekdays.isEmpty || p.weekdays.contains(where: { !(1...7).contains($0) }) {
            errors.append(FieldError("weekly.weekdays", "field.invalidValue"))
        }
        guard let from, let to, let startMinute, let endMinute, let first = calendar.date(from: from), let last = calendar.date(from: to)
        else { return [] }
        if endMinute - startMinute < minutes { errors.append(FieldError("weekly.endTime", "field.invalidValue")) }
        let days = calendar.dateComponents([.day], from: first, to: last).day ?? -1
        if days < 0 || days > MeetingRules.maxPatternDays { errors.append(FieldError("weekly.to", "field.invalidValue")) }
        guard errors.isEmpty else { return [] }
        var result: [Date] = []
        for offset in 0...days {
            guard let date = calendar.date(byAdding: .day, value: offset, to: first) else { continue }
            // ISO weekday: Monday 1 … Sunday 7 (Calendar's Sunday is 1).
            let weekday = (calendar.component(.weekday, from: date) + 5) % 7 + 1
            guard p.weekdays.contains(weekday) else { continue }
            var c = calendar.dateComponents([.year, .month, .day], from: date)
            var minute = startMinute
            while minute + minutes <= endMinute {
                c.hour = minute / 60
                c.minute = minute % 60
                if let start = calendar.date(from: c) { result.append(start) }
                minute += minutes + buffer
                if result.count > MeetingRules.maxSlotsPerRequest { return result }
            }
        }
        return result
    }
}
