import Foundation
import Logging

/// Looks for services whose review is due (120, 135 and 150 days) every hour and at start. What
/// it notes and the job that tells people are written together, so a restart neither repeats a
/// notice nor loses one.
struct ReviewSweeper: PeriodicService {
    let store: CatalogueReviewStore
    let clock: AppClock
    let ids: IDGenerator
    let logger: Logger
    var name: String { "review reminders" }
    var interval: TimeInterval { 3_600 }

    func runOnce() async throws {
        let noted = try await store.sweep(now: clock.now, jobKey: "review-\(ids.next())")
        if noted > 0 { logger.info("review reminders due", metadata: ["stages": "\(noted)"]) }
    }
}

/// The review job: the in-app notices of each due stage and one e-mail per person listing the
/// services, in one transaction (a repeat after a crash finds the notices written and sends
/// nothing twice; an e-mail is keyed by the job and the person).
struct ReviewNoticeSender: JobHandler {
    let store: CatalogueReviewStore
    let clock: AppClock
    let ids: IDGenerator
    let baseURL: String

    var kind: String { CatalogueReviewStore.kind }

    func perform(_ job: Job) async throws {
        let input = try job.input(as: ReviewJobInput.self)
        let now = clock.now
        let base = baseURL
        _ = try await store.deliver(input, now: now, ids: ids) { told, db in
            let services = told.services.map { (name: $0.name.localized(told.recipient.language), stage: $0.stage, days: $0.days) }
            let text = MailTexts.reviewReminder(told.recipient.language, services: services, link: "\(base)/editor")
            try MailStore.enqueue(
                OutgoingMail(
                    id: "review-" + Secrets.hash("\(job.key)/\(told.recipient.id)").prefix(32), recipient: told.recipient.email,
                    subject: text.subject, body: text.body, createdAt: now), db)
        }
    }
}
