import Foundation
import TextAnalysis

/// What a search box suggests while one types. No HTTP, no SQL.
struct CatalogueSuggestions: Sendable {
    let snapshots: CatalogueSnapshots

    /// Service names and keywords that start with what was typed.
    func suggest(_ text: String, viewer: CatalogueViewer, language: Language, limit: Int = 8) async throws -> [SuggestionDTO] {
        let typed = text.trimmed.lowercased()
        guard typed.count >= 2 else { return [] }
        let snap = try await snapshots.snapshot()
        var out: [SuggestionDTO] = []
        var keywords: [String: Int] = [:]
        for s in snap.services where viewer.finds(status: s.status, organizationId: s.organizationId) {
            let name = s.name.localized(language)
            if out.count < limit, name.lowercased().hasPrefix(typed) || Analyzer.words(name).contains(where: { $0.hasPrefix(typed) }) {
                out.append(SuggestionDTO(text: name, kind: .service, serviceId: s.id))
            }
            for k in s.keywords where k.lowercased().hasPrefix(typed) { keywords[k, default: 0] += 1 }
        }
        let topKeywords = keywords.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(max(0, limit - out.count))
        return Array(out.prefix(limit)) + topKeywords.map { SuggestionDTO(text: $0.key, kind: .keyword, serviceId: nil) }
    }
}
