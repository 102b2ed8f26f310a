import Foundation
import Synchronization

/// The embeddable search widget: platform admins list the sites (origins) whose pages may frame it;
/// the widget's page tells browsers so in its `frame-ancestors`. No HTTP, no SQL.
final class EmbedService: Sendable {
    let store: EmbedStore
    let clock: AppClock
    let ids: IDGenerator
    /// The allowed origins as the widget's page sends them, read again after each change.
    private let cached = Mutex<[String]?>(nil)

    static let maxSites = 100

    init(store: EmbedStore, clock: AppClock, ids: IDGenerator) {
        self.store = store
        self.clock = clock
        self.ids = ids
    }

    static func requireAdmin(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        return caller
    }

    func sites(by caller: SessionUser?) async throws -> Items<EmbedSiteDTO> {
        _ = try Self.requireAdmin(caller)
        return Items(items: try await store.sites().map(Self.dto))
    }

    func add(_ input: AddEmbedSiteInput, by caller: SessionUser?) async throws -> (EmbedSiteDTO, created: Bool) {
        let caller = try Self.requireAdmin(caller)
        var errors: [FieldError] = []
        let origin = Self.origin(input.origin)
        if origin == nil { errors.append(FieldError("origin", "embed.invalidOrigin")) }
        let label = (input.label ?? "").trimmed
        if label.count > 200 { errors.append(FieldError("label", "field.tooLong")) }
        guard let origin, errors.isEmpty else { throw AppError.validation(errors) }
        let now = clock.now
        let site = EmbedStore.Site(id: ids.next(), origin: origin, label: label, addedAt: now.millis)
        let event = SecurityEvent(.embedSiteAdded, actor: caller.userId, target: site.id, detail: origin)
        defer { cached.withLock { $0 = nil } }
        switch try await store.add(site, by: caller.userId, max: Self.maxSites, event: (event, ids.next()), now: now) {
        case .added(let s): return (Self.dto(s), true)
        case .exists(let s): return (Self.dto(s), false)
        case .full: throw AppError(.conflict, "embed.tooManySites")
        }
    }

    func remove(id: String, by caller: SessionUser?) async throws {
        let caller = try Self.requireAdmin(caller)
        defer { cached.withLock { $0 = nil } }
        let event = SecurityEvent(.embedSiteRemoved, actor: caller.userId, target: id)
        guard id.count <= 100, try await store.remove(id: id, event: (event, ids.next()), now: clock.now) else {
            throw AppError.notFound("embed.siteNotFound")
        }
    }

    /// The origins that may frame the widget.
    func allowedOrigins() async throws -> [String] {
        if let kept = cached.withLock({ $0 }) { return kept }
        let origins = try await store.sites().map(\.origin)
        cached.withLock { $0 = origins }
        return origins
    }

    /// The widget page's Content-Security-Policy: the app's own, framed by itself and the allowed sites.
    func contentSecurityPolicy() async throws -> String {
        SecurityHeadersMiddleware<AppRequestContext>.contentSecurityPolicy(framedBy: ["'self'"] + (try await allowedOrigins()))
    }

    /// An origin as browsers send it (`https://host[:port]`, lower case, the scheme's default port
    /// left out), or nil. https only, but for a local host in development; nothing after the host
    /// but a single slash; no user, query or fragment. It goes into a header: only the characters of
    /// a host name pass.
    static func origin(_ raw: String) -> String? {
        let text = raw.trimmed
        guard text.count <= 200, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            let host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil, url.query == nil,
            url.fragment == nil, url.path.isEmpty || url.path == "/"
        else { return nil }
        let local = host == "localhost" || host == "127.0.0.1"
        guard scheme == "https" || (scheme == "http" && local) else { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard host.count <= 253, labels.count >= (local ? 1 : 2),
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { return nil }
        var origin = scheme + "://" + host
        if let port = url.port {
            guard (1...65535).contains(port) else { return nil }
            if !(scheme == "https" && port == 443) && !(scheme == "http" && port == 80) { origin += ":\(port)" }
        }
        return origin
    }

    static func dto(_ s: EmbedStore.Site) -> EmbedSiteDTO {
        EmbedSiteDTO(id: s.id, origin: s.origin, label: s.label, addedAt: Date(millis: s.addedAt))
    }
}
