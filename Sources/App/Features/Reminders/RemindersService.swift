import Foundation
import Logging

/// The signed-in user's reminders and notification settings. No HTTP, no SQL.
struct RemindersService: Sendable {
    let store: RemindersStore
    let clock: AppClock

    func list(page: PageRequest, by caller: SessionUser?) async throws -> ReminderPage {
        guard let caller else { throw AppError.authRequired }
        let (items, unread) = try await store.list(user: caller.userId, page: page)
        let p = Page(items, page)
        return ReminderPage(items: p.items, nextCursor: p.nextCursor, unread: unread)
    }

    func markRead(_ input: MarkRemindersReadInput, by caller: SessionUser?) async throws {
        guard let caller else { throw AppError.authRequired }
        if let ids = input.ids, ids.count > 100 { throw AppError.validation([FieldError("ids", "field.tooMany")]) }
        guard input.ids != nil || input.all == true else { throw AppError.validation([FieldError("ids", "field.required")]) }
        try await store.markRead(user: caller.userId, ids: input.ids, now: clock.now)
    }

    func settings(by caller: SessionUser?) async throws -> NotificationSettingsDTO {
        guard let caller else { throw AppError.authRequired }
        return NotificationSettingsDTO(try await store.settings(of: caller.userId))
    }

    /// Saves the settings; the caller's coming reminders follow the new leads at once.
    func save(_ input: NotificationSettingsInput, by caller: SessionUser?) async throws -> NotificationSettingsDTO {
        guard let caller else { throw AppError.authRequired }
        var errors: [FieldError] = []
        var quiet: QuietHours?
        if let q = input.quietHours {
            let start = QuietHours.minutes(q.start)
            let end = QuietHours.minutes(q.end)
            if start == nil { errors.append(FieldError("quietHours.start", "field.invalidValue")) }
            if end == nil { errors.append(FieldError("quietHours.end", "field.invalidValue")) }
            if let start, let end { quiet = start == end ? nil : QuietHours(start: start, end: end) }
        }
        let leads = Array(Set(input.meetingReminderMinutes)).sorted(by: >)
        if leads.count > 4 { errors.append(FieldError("meetingReminderMinutes", "field.tooMany")) }
        for (i, lead) in input.meetingReminderMinutes.enumerated() where !(1...NotificationSettings.maxLead).contains(lead) {
            errors.append(FieldError("meetingReminderMinutes[\(i)]", "field.invalidValue"))
        }
        if let lead = input.taskReminderMinutes, !(0...NotificationSettings.maxLead).contains(lead) {
            errors.append(FieldError("taskReminderMinutes", "field.invalidValue"))
        }
        try Input.check(errors)
        let settings = NotificationSettings(
            email: input.email, push: input.push, quietHours: quiet, meetingLeads: leads, taskLead: input.taskReminderMinutes)
        try await store.save(settings, of: caller.userId, now: clock.now)
        return NotificationSettingsDTO(settings)
    }
}

/// The reminder kind of job: writes the in-app reminder and queues its push and mail (see
/// `RemindersStore.fire`).
struct ReminderSender: JobHandler {
    let store: RemindersStore
    let hub: RealtimeHub
    let clock: AppClock
    let ids: IDGenerator
    let baseURL: String

    var kind: String { RemindersStore.kind }

    /// The user's open tabs hear of it (`{"type":"reminder"}`: no content; they ask for the list).
    static let frame = #"{"type":"reminder"}"#

    func perform(_ job: Job) async throws {
        let input = try job.input(as: ReminderJobInput.self)
        if try await store.fire(input, key: job.key, id: ids.next(), now: clock.now, baseURL: baseURL) {
            hub.sendToUser(Self.frame, userId: input.userId)
        }
    }
}

/// Sends unread messages out of the app (push, e-mail) once they have waited `delay` unread, and
/// deletes old in-app reminders.
struct MessageAlerts: PeriodicService {
    let store: RemindersStore
    let clock: AppClock
    let logger: Logger
    let baseURL: String
    let delay: TimeInterval
    var name: String { "message alerts" }
    /// Every 30 s, or more often when the delay is short (tests).
    var interval: TimeInterval { min(30, max(1, delay / 4)) }
    /// In-app reminders are kept this long.
    var reminderRetention: TimeInterval = 180 * 86_400

    func runOnce() async throws {
        let now = clock.now
        while try await store.alertUnread(updatedBefore: now - delay, now: now, baseURL: baseURL) == 500 {}
        _ = try await store.purge(before: now - reminderRetention)
    }
}
