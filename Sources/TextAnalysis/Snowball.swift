import CStemmer
import Synchronization

/// A Snowball stemmer from libstemmer ("swedish", "english", "finnish", …). Not thread-safe in C, so
/// each call takes the lock.
public final class Snowball: Sendable {
    private let stemmer: Mutex<OpaquePointer>

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ algorithm: String) throws {
        guard let s = sb_stemmer_new(algorithm, "UTF_8") else {
            throw Unavailable(description: "no Snowball stemmer for '\(algorithm)' (install libstemmer0d)")
        }
        stemmer = Mutex(s)
    }

    deinit {
        stemmer.withLock { sb_stemmer_delete($0) }
    }

    /// The stem of a lower-case word.
    public func stem(_ word: String) -> String {
        stemmer.withLock { s in
            let bytes = Array(word.utf8)
            guard let out = sb_stemmer_stem(s, bytes, Int32(bytes.count)) else { return word }
            let length = Int(sb_stemmer_length(s))
            return String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
        }
    }
}
