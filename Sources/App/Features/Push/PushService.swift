import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Push subscriptions of the signed-in user's devices. No HTTP, no SQL.
struct PushService: Sendable {
    let store: PushStore
    let vapid: VAPID
    let clock: AppClock
    let ids: IDGenerator
    /// Test-only: endpoints over plain HTTP and on loopback or private addresses are accepted.
    let allowLocalEndpoints: Bool

    static let maxEndpoint = 2048, maxLabel = 100

    func key(by caller: SessionUser?) throws -> VAPIDKeyDTO {
        guard caller != nil else { throw AppError.authRequired }
        return VAPIDKeyDTO(publicKey: vapid.publicKey)
    }

    func subscribe(_ input: PushSubscribeInput, by caller: SessionUser?) async throws -> PushSubscriptionDTO {
        guard let caller else { throw AppError.authRequired }
        var errors = Self.endpointErrors(input.endpoint, allowLocal: allowLocalEndpoints)
        let p256dh = Secrets.base64urlDecode(input.keys.p256dh)
        if p256dh.map({ (try? WebPushCrypto.checkKey($0)) == nil }) ?? true {
            errors.append(FieldError("keys.p256dh", "field.invalidValue"))
        }
        if Secrets.base64urlDecode(input.keys.auth)?.count != 16 { errors.append(FieldError("keys.auth", "field.invalidValue")) }
        let label = (input.label ?? "").trimmed
        if label.count > Self.maxLabel || label.contains(where: \.isNewline) { errors.append(FieldError("label", "field.invalidValue")) }
        try Input.check(errors)
        return try await store.subscribe(
            id: ids.next(), user: caller.userId, session: caller.sessionId, endpoint: input.endpoint, p256dh: input.keys.p256dh,
            auth: input.keys.auth, label: label,
            now: clock.now)
    }

    func list(by caller: SessionUser?) async throws -> Items<PushSubscriptionDTO> {
        guard let caller else { throw AppError.authRequired }
        return Items(items: try await store.list(user: caller.userId))
    }

    func remove(_ id: String, by caller: SessionUser?) async throws {
        guard let caller else { throw AppError.authRequired }
        guard id.count <= 64, try await store.remove(id: id, user: caller.userId) else {
            throw AppError.notFound("push.subscriptionNotFound")
        }
    }

    /// A push endpoint is an https URL of a public host: the server posts to it, so it must not
    /// point into the server's own network (loopback, private and link-local addresses, bare names).
    static func endpointErrors(_ text: String, allowLocal: Bool) -> [FieldError] {
        let bad = [FieldError("endpoint", "push.badEndpoint")]
        guard !text.isEmpty, text.count <= maxEndpoint, !text.contains(where: { $0.isWhitespace }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty,
            url.user == nil, url.password == nil, url.fragment == nil
        else { return bad }
        if allowLocal { return scheme == "https" || scheme == "http" ? [] : bad }
        guard scheme == "https" else { return bad }
        // "localhost." is localhost: a name's final dot changes nothing
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        if name == "localhost" { return bad }
        if name.hasPrefix("[") || name.contains(":") { return bad }
        if !name.contains(".") || name.hasSuffix(".localhost") || name.hasSuffix(".local") || name.hasSuffix(".internal") { return bad }
        let octets = name.split(separator: ".").map { Int($0) }
        if octets.allSatisfy({ $0 != nil }) {
            // An IPv4 literal: push services are named, never numbered.
            return bad
        }
        return []
    }
}

/// The push kind of job: encrypts the alert for one device and posts it to the device's push
/// service with a VAPID token. A subscription the service no longer knows (404, 410) is forgotten.
struct PushSender: JobHandler {
    let store: PushStore
    let vapid: VAPID
    let clock: AppClock
    let logger: Logger

    var kind: String { PushStore.kind }
    var retention: TimeInterval? { 86_400 }

    /// One client for the process; redirects are not followed (a push service does not redirect).
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(20))))

    func perform(_ job: Job) async throws {
        let input = try job.input(as: PushJobInput.self)
        guard let target = try await store.target(input.subscriptionId) else { return }
        guard let url = URL(string: target.endpoint), let p256dh = Secrets.base64urlDecode(target.p256dh),
            let auth = Secrets.base64urlDecode(target.auth)
        else {
            try await store.forget(input.subscriptionId)
            return
        }
        let text = MailTexts.push(input.kind, input.language)
        let message = PushMessage(title: text.title, body: text.body, url: input.path, tag: input.topic)
        let body = try WebPushCrypto.encrypt(Array(try JSONEncoder().encode(message)), p256dh: p256dh, auth: auth)
        var request = HTTPClientRequest(url: target.endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: try await vapid.authorization(for: url, now: clock.now))
        request.headers.add(name: "Content-Encoding", value: "aes128gcm")
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "TTL", value: "86400")
        request.headers.add(name: "Urgency", value: input.kind == .reminder ? "high" : "normal")
        request.headers.add(name: "Topic", value: input.topic)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        switch response.status.code {
        case 200..<300:
            try await store.delivered(input.subscriptionId, now: clock.now)
        case 404, 410:
            try await store.forget(input.subscriptionId)
            logger.info("push subscription gone", metadata: ["job.id": "\(job.id)", "status": "\(response.status.code)"])
        default:
            throw PushSendError(status: Int(response.status.code))
        }
    }
}
