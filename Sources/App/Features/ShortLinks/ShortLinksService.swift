import Foundation

/// Short links for the addresses that are long to send by text message: a catalogue search, and a
/// favourite list shared by its read-only link. Anyone signed in makes them (a client too: a search
/// is public); anyone opens them. No HTTP, no SQL.
struct ShortLinksService: Sendable {
    let store: ShortLinksStore
    let favourites: FavouritesService
    let clock: AppClock
    let baseURL: String

    /// Ten of 32 letters and digits that are not mistaken for one another: 50 bits, so that the links
    /// of shared lists cannot be found by trying.
    static let alphabet = Array("23456789abcdefghijkmnpqrstuvwxyz")
    static let codeLength = 10
    /// Links one person may make in a day (asking again for the same one does not count).
    static let maxPerDay = 200
    /// The search parameters a link keeps; a client profile's (`profile…`) and the page are left out.
    static let searchParameters: Set<String> = [
        "q", "municipality", "category", "lifeSituation", "employmentStatus", "age", "language", "cost", "mode", "accessibility",
        "organization", "sector", "sort", "startsWithinWeeks",
    ]

    func create(_ input: CreateShortLinkInput, by caller: SessionUser) async throws -> ShortLinkDTO {
        let kind: ShortLinkKind
        let target: String
        switch (input.search, input.listId) {
        case (let search?, nil):
            kind = .search
            target = try Self.canonicalSearch(search)
        case (nil, let listId?):
            guard listId.count <= 100 else { throw AppError.notFound("favouriteList.notFound") }
            let (_, list, _) = try await favourites.requireOwnList(listId, caller)
            guard let token = list.shareToken else { throw AppError(.conflict, "shortLink.listNotShared") }
            kind = .list
            target = token
        default:
            throw AppError.validation([FieldError("search", "field.required")])
        }
        let code = String((0..<Self.codeLength).map { _ in Self.alphabet.randomElement() ?? "a" })
        guard
            let link = try await store.link(
                kind: kind, target: target, code: code, by: caller.userId, now: clock.now.millis, maxPerDay: Self.maxPerDay)
        else { throw AppError(.tooManyRequests, "shortLink.tooMany", retryAfter: 3600) }
        return dto(link)
    }

    /// Where the link of `code` leads now: nil when there is no such link, or its list is no longer shared.
    func resolve(_ code: String) async throws -> ShortLinkDTO? {
        guard code.count == Self.codeLength, code.allSatisfy(Self.alphabet.contains), let link = try await store.link(code: code) else {
            return nil
        }
        if link.kind == .list, try await favourites.sharedListExists(token: link.target) == false { return nil }
        return dto(link)
    }

    private func dto(_ link: ShortLinksStore.Link) -> ShortLinkDTO {
        let target =
            switch link.kind {
            case .search: link.target.isEmpty ? "/catalogue" : "/catalogue?" + link.target
            case .list: "/catalogue/shared/" + link.target
            }
        return ShortLinkDTO(code: link.code, kind: link.kind, path: "/s/" + link.code, url: baseURL + "/s/" + link.code, target: target)
    }

    /// The query string of a search as a link keeps it: the known parameters in a fixed order, each
    /// once, without empty values. Refuses what is too long or names anything else.
    static func canonicalSearch(_ raw: String) throws -> String {
        let text = raw.hasPrefix("?") ? String(raw.dropFirst()) : raw
        guard text.count <= 2_000 else { throw AppError.validation([FieldError("search", "field.tooLong")]) }
        // As in a form's query string (and URLSearchParams), "+" is a space.
        guard let items = URLComponents(string: "/?" + text.replacingOccurrences(of: "+", with: "%20"))?.queryItems else {
            throw AppError.validation([FieldError("search", "field.invalidValue")])
        }
        var kept: [String: String] = [:]
        for item in items {
            let value = (item.value ?? "").trimmed
            if item.name.hasPrefix("profile") || item.name == "page" || item.name == "limit" || item.name == "offset" || value.isEmpty {
                continue
            }
            guard searchParameters.contains(item.name), value.count <= 500 else {
                throw AppError.validation([FieldError("search", "field.invalidValue")])
            }
            // A repeated parameter is a list, as in the search itself.
            kept[item.name] = kept[item.name].map { $0 + "," + value } ?? value
        }
        var components = URLComponents()
        components.queryItems = kept.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // URLComponents leaves "+" as it is; in a query string it would read as a space.
        return (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }
}
