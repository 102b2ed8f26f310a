import Foundation
import Hummingbird

/// A device's push subscription as its owner sees it (the endpoint's host only).
struct PushSubscriptionDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let label: String
    let endpointHost: String
    let createdAt: Date
    @Nullable var lastSuccessAt: Date?
}

/// The browser's `PushSubscription.toJSON()`, with an optional label for the device.
struct PushSubscribeInput: Decodable, Sendable {
    struct Keys: Decodable, Sendable {
        let p256dh: String
        let auth: String
    }
    let endpoint: String
    let keys: Keys
    var label: String?
}

struct VAPIDKeyDTO: ResponseCodable, Sendable {
    let publicKey: String
}

/// The input of a `push` job: the device and what to say. The text is made when it is sent, in the
/// recipient's language, and says only that there is a message or a reminder.
struct PushJobInput: Codable, Sendable {
    let subscriptionId: String
    let kind: AlertKind
    /// Where the notification opens the app (`/spaces/{id}`).
    let path: String
    let language: Language
    let topic: String
}

/// The push service's answer that ends a job: permanent for a refused request, retried for
/// overload and server errors.
struct PushSendError: JobFailure {
    let status: Int
    var isPermanent: Bool { !(status == 429 || status >= 500) }
    var reason: String { "push.status\(status)" }
}

/// What the service worker gets (`Public/sw.js` shows it).
struct PushMessage: Codable, Sendable {
    let title: String
    let body: String
    let url: String
    let tag: String
}
