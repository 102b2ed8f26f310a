import CVoikko
import Synchronization

/// Finnish morphology through libvoikko (voikko-fi dictionary). One Voikko handle is not thread-safe,
/// so each call takes the handle's lock; `VoikkoPool` spreads calls over several handles.
public final class Voikko: Sendable {
    /// One analysis of a word: `baseForm` ("uraohjaus") and `wordBases`
    /// ("+ura(ura)+ohja(ohjata)+us(+us)"), which marks compound parts and derivations.
    public struct Analysis: Sendable, Equatable {
        public let baseForm: String
        public let wordBases: String
        public let wordClass: String
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private let handle: Mutex<OpaquePointer>

    public init(language: String = "fi") throws {
        var error: UnsafePointer<CChar>?
        guard let h = voikkoInit(&error, language, nil) else {
            let reason = error.map { String(cString: $0) } ?? "unknown error"
            throw Unavailable(description: "Voikko could not start for '\(language)': \(reason) (install libvoikko1 and voikko-fi)")
        }
        handle = Mutex(h)
    }

    deinit {
        handle.withLock { voikkoTerminate($0) }
    }

    /// Every analysis Voikko knows for `word`; empty when the word is unknown.
    public func analyze(_ word: String) -> [Analysis] {
        handle.withLock { h in
            guard let list = voikkoAnalyzeWordCstr(h, word) else { return [] }
            defer { voikko_free_mor_analysis(list) }
            var out: [Analysis] = []
            var i = 0
            while let analysis = list[i] {
                out.append(
                    Analysis(
                        baseForm: Self.value(analysis, "BASEFORM") ?? word, wordBases: Self.value(analysis, "WORDBASES") ?? "",
                        wordClass: Self.value(analysis, "CLASS") ?? ""))
                i += 1
            }
            return out
        }
    }

    /// Spelling suggestions for an unknown word, best first.
    public func suggest(_ word: String, limit: Int = 5) -> [String] {
        handle.withLock { h in
            guard let list = voikkoSuggestCstr(h, word) else { return [] }
            defer { voikkoFreeCstrArray(list) }
            var out: [String] = []
            var i = 0
            while out.count < limit, let s = list[i] {
                out.append(String(cString: s))
                i += 1
            }
            return out
        }
    }

    private static func value(_ analysis: OpaquePointer, _ key: String) -> String? {
        guard let v = voikko_mor_analysis_value_cstr(analysis, key) else { return nil }
        defer { voikko_free_mor_analysis_value_cstr(v) }
        return String(cString: v)
    }
}

/// Several Voikko handles, used round-robin, so concurrent requests rarely wait on one lock.
public final class VoikkoPool: Sendable {
    private let handles: [Voikko]
    private let next = Atomic<Int>(0)

    public init(size: Int = 4) throws {
        handles = try (0..<max(1, size)).map { _ in try Voikko() }
    }

    public var any: Voikko {
        let i = next.add(1, ordering: .relaxed).newValue
        return handles[abs(i) % handles.count]
    }
}
