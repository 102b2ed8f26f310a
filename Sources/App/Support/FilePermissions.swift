import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the server writes under its data directory (database, WAL and SHM, master key, mail) is
/// readable by its own user only: the process creates files 0600 and folders 0700.
public enum FilePermissions {
    /// Sets the process's file-creation mask to 077. Every command calls it before touching a file.
    public static func restrictNewFiles() {
        umask(0o077)
    }

    /// The permission bits of a file or folder, or nil when it does not exist.
    static func mode(of url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? nil
    }

    /// Warnings for an existing data directory or master key that others may read or enter.
    static func warnings(dataDir: URL, masterKey: URL) -> [String] {
        var out: [String] = []
        for (url, what) in [(dataDir, "data directory"), (masterKey, "master key file")] {
            if let mode = mode(of: url), mode & 0o077 != 0 {
                out.append("the \(what) \(url.path) has mode \(String(mode, radix: 8)); others may read it: chmod go-rwx")
            }
        }
        return out
    }

    /// Creates the data directory 0700 when it is missing.
    static func createPrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
