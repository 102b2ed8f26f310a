import Foundation

/// The key that wraps per-file keys. Generated on first start (32 random bytes, base64, mode 0600)
/// when the configured file does not exist.
enum MasterKey {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func ensure(at file: URL) throws -> [UInt8] {
        let fm = FileManager.default
        if fm.fileExists(atPath: file.path) {
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
            else { throw Failure(description: "invalid setting --master-key-file: \(file.path) does not hold a base64 32-byte key") }
            return Array(data)
        }
        try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = Secrets.randomBytes(32)
        guard
            fm.createFile(
                atPath: file.path, contents: Data((Data(key).base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write the master key file \(file.path)") }
        return key
    }
}
