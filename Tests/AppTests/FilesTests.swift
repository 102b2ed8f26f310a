import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// A signed-in account of the file tests.
private struct Uploader: Sendable {
    let id: String
    let token: String
}

private let boundary = "ohjaustila-test-boundary-7d2f"

extension TestEnv {
    fileprivate func filesExpert(_ email: String, org: String = TestEnv.orgA) async throws -> Uploader {
        let id = try await user(email, org: org, role: .expert)
        return Uploader(id: id, token: try await login(email))
    }

    fileprivate func filesClient(_ email: String) async throws -> Uploader {
        let id = try await user(email)
        return Uploader(id: id, token: try await login(email))
    }

    /// A one-to-one space of `owner` with an existing client account; returns its id.
    fileprivate func filesSpace(_ owner: Uploader, client: String) async throws -> String {
        let r = try await request(
            .post, "/api/v1/spaces", token: owner.token,
            json: ["title": "Ohjaus", "clientEmail": client, "consent": ["method": "inPerson"]])
        #expect(r.status == .created, "opening a space gave \(r.status) \(r.code ?? "")")
        return try #require(try r.json()["id"] as? String)
    }

    fileprivate func filesGroup(_ owner: Uploader, clients: [String]) async throws -> String {
        let r = try await request(
            .post, "/api/v1/spaces", token: owner.token,
            json: [
                "kind": "group", "title": "Ryhmä", "maxClients": 10,
                "clients": clients.map { ["email": $0, "consent": ["method": "electronic"]] },
            ])
        #expect(r.status == .created, "opening a group gave \(r.status) \(r.code ?? "")")
        return try #require(try r.json()["id"] as? String)
    }

    /// A multipart upload as a browser sends it; `fileHeader` replaces the file part's disposition.
    fileprivate func upload(
        _ who: Uploader?, _ space: String, name: String, _ bytes: [UInt8], privateTo: String? = nil, attachment: Bool = false,
        fileHeader: String? = nil
    ) async throws -> TestResponse {
        var body: [UInt8] = []
        if let privateTo {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"privateTo\"\r\n\r\n\(privateTo)\r\n".utf8)
        }
        if attachment {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\"\r\n\r\ntrue\r\n".utf8)
        }
        let disposition = fileHeader ?? "form-data; name=\"file\"; filename=\"\(name)\""
        body += Array("--\(boundary)\r\nContent-Disposition: \(disposition)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return try await rawUpload(who, space, body)
    }

    fileprivate func rawUpload(_ who: Uploader?, _ space: String, _ body: [UInt8], contentType: String? = nil) async throws -> TestResponse
    {
        var headers = HTTPFields()
        if let who { headers[.cookie] = "session=\(who.token)" }
        headers[.origin] = testOrigin
        headers[.contentType] = contentType ?? "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(
            uri: "/api/v1/spaces/\(space)/files", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    fileprivate func download(_ who: Uploader, _ space: String, _ file: String) async throws -> TestResponse {
        try await request(.get, "/api/v1/spaces/\(space)/files/\(file)", token: who.token)
    }

    fileprivate func fileList(_ who: Uploader, _ space: String) async throws -> TestResponse {
        try await request(.get, "/api/v1/spaces/\(space)/files", token: who.token)
    }

    /// Every regular file under the data directory (database, WAL, master key, stored files …).
    fileprivate func dataFiles() throws -> [URL] {
        let walker = FileManager.default.enumerator(at: config.dataDir, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    fileprivate func storedFiles() throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: config.filesDir.path)) ?? []
    }
}

extension TestResponse {
    fileprivate var bytes: [UInt8] { Array(body.readableBytesView) }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count, let first = needle.first else { return false }
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}

// MARK: Sample files

private enum Samples {
    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [UInt8](repeating: 7, count: 40)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [UInt8](repeating: 1, count: 30)
    static let text = Array("Hei! Tässä CV:ni luonnos.\r\nTaidot:\tasiakaspalvelu, kassatyö\n".utf8)
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 56)
    static let exe: [UInt8] = Array("MZ".utf8) + [0x90, 0x00, 0x03, 0x00] + [UInt8](repeating: 0, count: 58)
    static let html = Array("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".utf8)
    static let svg = Array("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)
    static let lateHTML = Array("Hei\n\nalla liite\n<html><body>x</body></html>".utf8)
    static let shellScript = Array("#!/bin/sh\necho hei\n".utf8)

    /// Text of `count` bytes: numbered lines with a marker, so every chunk differs.
    static func largeText(_ count: Int, marker: String) -> [UInt8] {
        var out: [UInt8] = []
        var line = 0
        while out.count < count {
            out += Array("\(line) \(marker) rivi\n".utf8)
            line += 1
        }
        return Array(out.prefix(count))
    }

    /// A ZIP of stored entries, as office suites write them (CRCs are not checked by the sniffer).
    static func zip(_ entries: [(String, [UInt8])], centralDirectory: Bool = true) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let n = Array(name.utf8)
            out +=
                [0x50, 0x4B, 0x03, 0x04] + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(data.count)
                + le32(data.count) + le16(n.count) + le16(0) + n + data
            central +=
                [0x50, 0x4B, 0x01, 0x02] + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(data.count)
                + le32(data.count) + le16(n.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + n
        }
        guard centralDirectory else { return out }
        let cdOffset = out.count
        out += central
        out +=
            [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(central.count)
            + le32(cdOffset) + le16(0)
        return out
    }

    static let contentTypes = Array("<?xml version=\"1.0\"?><Types/>".utf8)
    static var docx: [UInt8] {
        zip([("[Content_Types].xml", contentTypes), ("_rels/.rels", [1]), ("word/document.xml", Array("<w:document/>".utf8))])
    }
    /// LibreOffice writes `[Content_Types].xml` last.
    static var xlsx: [UInt8] {
        zip([("_rels/.rels", [1]), ("xl/workbook.xml", [UInt8](repeating: 0x41, count: 70_000)), ("[Content_Types].xml", contentTypes)])
    }
    static var docm: [UInt8] {
        zip([("[Content_Types].xml", contentTypes), ("word/document.xml", [1]), ("word/vbaProject.bin", [2])])
    }
    static var odt: [UInt8] {
        zip([("mimetype", Array("application/vnd.oasis.opendocument.text".utf8)), ("content.xml", Array("<office/>".utf8))])
    }
    static var plainZip: [UInt8] { zip([("readme.txt", Array("hei".utf8)), ("run.exe", exe)]) }

    /// An OLE2 compound file whose first directory sector (sector 1, at 1024) names `stream`.
    static func compound(_ stream: String) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        header[0x1E] = 9
        header[0x30] = 1
        var directory = [UInt8](repeating: 0, count: 512)
        let root = Array("Root Entry".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let name = Array(stream.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        directory.replaceSubrange(0..<root.count, with: root)
        directory.replaceSubrange(128..<128 + name.count, with: name)
        return header + [UInt8](repeating: 0xFF, count: 512) + directory + [UInt8](repeating: 0, count: 512)
    }
}

@Suite struct FilesTests {
    @Test func pdfPngJpegAndTextGoRoundTrip() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            let client = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let samples: [(String, [UInt8], String)] = [
                ("todistus.pdf", Samples.pdf, "application/pdf"), ("kuva.png", Samples.png, "image/png"),
                ("kuva.jpg", Samples.jpeg, "image/jpeg"), ("cv.txt", Samples.text, "text/plain; charset=utf-8"),
            ]
            var ids: [String] = []
            for (name, bytes, type) in samples {
                let r = try await env.upload(expert, space, name: name, bytes)
                #expect(r.status == .created, "\(name): \(r.status) \(r.code ?? "")")
                let json = try r.json()
                #expect(json["name"] as? String == name && json["contentType"] as? String == type)
                #expect(json["size"] as? Int == bytes.count)
                let id = try #require(json["id"] as? String)
                ids.append(id)
                for reader in [expert, client] {
                    let d = try await env.download(reader, space, id)
                    #expect(d.status == .ok)
                    #expect(d.bytes == bytes, "\(name) came back different")
                    #expect(d.headers[.contentType] == type)
                    #expect(d.headers[.xContentTypeOptions] == "nosniff")
                    #expect(d.headers[.cacheControl] == "no-store")
                    #expect(d.headers[.contentDisposition] == "attachment; filename=\"\(name)\"; filename*=UTF-8''\(name)")
                }
            }
            let list = try await env.fileList(client, space)
            #expect(list.status == .ok)
            let items = try list.items()
            #expect(items.compactMap { $0["id"] as? String } == ids.reversed())
            #expect(items.allSatisfy { $0["uploaderId"] as? String == expert.id && $0["createdAt"] is String })
            #expect(try list.json().keys.contains("nextCursor"))
            // Uploads are events of the space, in the same transaction as their rows.
            let events = try await env.request(.get, "/api/v1/spaces/\(space)/events", token: client.token).items()
            let added = events.filter { $0["kind"] as? String == "fileAdded" }
            #expect(added.compactMap { ($0["data"] as? [String: Any])?["fileId"] as? String } == ids)
            // A client's own upload, attached to a message.
            let own = try await env.upload(client, space, name: "hakemus.pdf", Samples.pdf)
            let ownId = try #require(try own.json()["id"] as? String)
            let sent = try await env.request(
                .post, "/api/v1/spaces/\(space)/messages", token: client.token,
                json: ["clientMessageId": "m1", "body": "Liitteenä hakemus", "attachmentIds": [ownId]])
            #expect(sent.status == .created)
        }
    }

    @Test func officeAndOpenDocumentFilesAreRecognised() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let cases: [(String, [UInt8], FileType)] = [
                ("cv.docx", Samples.docx, .docx), ("budjetti.xlsx", Samples.xlsx, .xlsx), ("muistio.odt", Samples.odt, .odt),
                ("vanha.doc", Samples.compound("WordDocument"), .doc), ("taulukko.xls", Samples.compound("Workbook"), .xls),
                ("esitys.ppt", Samples.compound("PowerPoint Document"), .ppt),
            ]
            for (name, bytes, type) in cases {
                let r = try await env.upload(expert, space, name: name, bytes)
                #expect(r.status == .created, "\(name): \(r.status) \(r.code ?? "")")
                #expect(try r.json()["contentType"] as? String == type.contentType)
            }
        }
    }

    @Test func disguisedAndUnknownTypesAreRefused() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let refused: [(String, [UInt8])] = [
                ("cv.pdf", Samples.elf), ("ohje.txt", Samples.exe), ("sivu.txt", Samples.html), ("kuva.png", Samples.svg),
                ("liite.txt", Samples.lateHTML), ("skripti.txt", Samples.shellScript), ("arkisto.docx", Samples.plainZip),
                ("makro.docx", Samples.docm), ("asennus.doc", Samples.compound("SummaryInformation")),
                ("nolla.txt", Array("a\u{0}b".utf8)), ("ohjaus.txt", [0x41, 0x1B, 0x5B, 0x30, 0x6D]), ("c1.txt", [0x41, 0xC2, 0x85]),
                ("vaara.txt", [0x41, 0xC0, 0xAF]),
            ]
            for (name, bytes) in refused {
                let r = try await env.upload(expert, space, name: name, bytes)
                #expect(r.status == .unsupportedMediaType && r.code == "file.typeNotAllowed", "\(name) gave \(r.status)")
            }
            // A large refused upload stops early too; nothing is left on disk.
            let big = Samples.exe + [UInt8](repeating: 0, count: 300_000)
            #expect(try await env.upload(expert, space, name: "iso.pdf", big).code == "file.typeNotAllowed")
            #expect(try env.storedFiles().isEmpty)
            #expect(try await env.fileList(expert, space).items().isEmpty)
            // Empty files, forms without a file and bodies that are not forms.
            #expect(try await env.upload(expert, space, name: "tyhja.txt", []).status == .unprocessableContent)
            let noFile = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--\(boundary)--\r\n".utf8)
            #expect(try await env.rawUpload(expert, space, noFile).status == .unprocessableContent)
            let cut = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhei".utf8)
            #expect(try await env.rawUpload(expert, space, cut).code == "request.invalidMultipart")
            #expect(try await env.rawUpload(expert, space, Samples.text, contentType: "text/plain").code == "request.invalidMultipart")
            #expect(
                try await env.rawUpload(expert, space, Samples.text, contentType: "multipart/form-data").code == "request.invalidMultipart")
            #expect(try env.storedFiles().isEmpty)
        }
    }

    @Test func anUploadOverTheLimitIsRefusedAndLeavesNothing() async throws {
        let oneMiB: @Sendable (inout AppConfiguration) -> Void = { $0.maxUploadMB = 1 }
        try await TestEnv.run(adjust: oneMiB) { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let over = try await env.upload(expert, space, name: "iso.txt", Samples.largeText(1024 * 1024 + 1, marker: "x"))
            #expect(over.status == .contentTooLarge && over.code == "file.tooLarge")
            #expect(try env.storedFiles().isEmpty)
            #expect(try await env.fileList(expert, space).items().isEmpty)
            let exact = try await env.upload(expert, space, name: "raja.txt", Samples.largeText(1024 * 1024, marker: "x"))
            #expect(exact.status == .created)
            #expect(try env.storedFiles().count == 1)
        }
    }

    @Test func nonMembersAndRemovedMembersGetNotFound() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            let client = try await env.filesClient("kalle@example.fi")
            let stranger = try await env.filesExpert("vieras@example.fi", org: TestEnv.orgB)
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let id = try #require(try await env.upload(expert, space, name: "a.pdf", Samples.pdf).json()["id"] as? String)

            let upload = try await env.upload(stranger, space, name: "b.pdf", Samples.pdf)
            #expect(upload.status == .notFound && upload.code == "space.notFound")
            let list = try await env.fileList(stranger, space)
            #expect(list.status == .notFound && list.code == "space.notFound")
            let download = try await env.download(stranger, space, id)
            #expect(download.status == .notFound && download.code == "file.notFound")
            #expect(try await env.download(expert, space, "no-such-file").code == "file.notFound")
            #expect(try await env.download(expert, "no-such-space", id).code == "file.notFound")
            #expect(try await env.upload(nil, space, name: "c.pdf", Samples.pdf).status == .unauthorized)

            // Another space of the same expert does not serve this file.
            _ = try await env.filesClient("lina@example.fi")
            let other = try await env.filesSpace(expert, client: "lina@example.fi")
            #expect(try await env.download(expert, other, id).code == "file.notFound")

            // A removed member loses the files at once.
            #expect(try await env.download(client, space, id).status == .ok)
            let removed = try await env.request(.delete, "/api/v1/spaces/\(space)/members/\(client.id)", token: expert.token)
            #expect(removed.status == .noContent)
            #expect(try await env.download(client, space, id).code == "file.notFound")
            #expect(try await env.fileList(client, space).code == "space.notFound")
            #expect(try await env.upload(client, space, name: "d.pdf", Samples.pdf).code == "space.notFound")
        }
    }

    @Test func aPrivateFileOfAGroupIsSeenByItsClientAndTheExpertsOnly() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            let kalle = try await env.filesClient("kalle@example.fi")
            let lina = try await env.filesClient("lina@example.fi")
            let group = try await env.filesGroup(expert, clients: ["kalle@example.fi", "lina@example.fi"])

            let shared = try #require(try await env.upload(expert, group, name: "ohje.pdf", Samples.pdf).json()["id"] as? String)
            let forKalle = try await env.upload(expert, group, name: "kalle.pdf", Samples.pdf, privateTo: kalle.id)
            #expect(forKalle.status == .created)
            let privateId = try #require(try forKalle.json()["id"] as? String)

            #expect(try await env.download(kalle, group, privateId).status == .ok)
            #expect(try await env.download(expert, group, privateId).status == .ok)
            let refused = try await env.download(lina, group, privateId)
            #expect(refused.status == .notFound && refused.code == "file.notFound")
            #expect(try await env.download(lina, group, shared).status == .ok)
            #expect(try await env.fileList(lina, group).items().compactMap { $0["id"] as? String } == [shared])
            let kallesList = try await env.fileList(kalle, group).items()
            #expect(kallesList.compactMap { $0["id"] as? String } == [privateId, shared])
            // The list says whom a private file is for, so the page can label it.
            #expect(kallesList.map { $0["audienceId"] as? String } == [kalle.id, nil])

            // The event of the private file is not Lina's either.
            let linaEvents = try await env.request(.get, "/api/v1/spaces/\(group)/events", token: lina.token).items()
            let seen = linaEvents.compactMap { ($0["data"] as? [String: Any])?["fileId"] as? String }
            #expect(seen == [shared])

            // A client may only address themselves; a one-to-one space has no private files.
            let bad = try await env.upload(lina, group, name: "x.pdf", Samples.pdf, privateTo: kalle.id)
            #expect(bad.status == .unprocessableContent)
            #expect(try await env.upload(lina, group, name: "oma.pdf", Samples.pdf, privateTo: lina.id).status == .created)
            #expect(try env.storedFiles().count == 3)
        }
    }

    @Test func anAttachmentIsAnnouncedByItsMessageOnly() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            let client = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            // The client's notification of the space: its latest event and the unread count.
            #expect(
                try await env.request(.post, "/api/v1/notifications/read", token: client.token, json: ["all": true]).status == .noContent)
            func notification() async throws -> (kind: String?, count: Int?) {
                let item = try await env.request(.get, "/api/v1/notifications", token: client.token).items().first {
                    $0.string("spaceId") == space
                }
                return (item?.string("kind"), item?.int("count"))
            }

            // A file added on its own is an event with a notification for the client, who is away.
            let plain = try await env.upload(expert, space, name: "ohje.pdf", Samples.pdf)
            #expect(plain.status == .created)
            let first = try await notification()
            #expect(first.kind == "fileAdded" && first.count == 1, "\(first)")

            // A file uploaded for a message: its event says so, and only the message notifies.
            let attached = try await env.upload(expert, space, name: "cv-pohja.pdf", Samples.pdf, attachment: true)
            #expect(attached.status == .created)
            let fileId = try #require(try attached.json()["id"] as? String)
            #expect(try await notification() == ("fileAdded", 1))
            let sent = try await env.request(
                .post, "/api/v1/spaces/\(space)/messages", token: expert.token,
                json: ["clientMessageId": "m-attach-1", "body": "Pohja liitteenä.", "attachmentIds": [fileId]])
            #expect(sent.status == .created || sent.status == .ok, "sending gave \(sent.status) \(sent.code ?? "")")
            #expect(try await notification() == ("message", 2))
            // Read up to the attachment's event, only the message is left, not the attachment.
            let attachmentSeq = try #require(
                try await env.request(.get, "/api/v1/spaces/\(space)/events", token: client.token).items().last {
                    $0["kind"] as? String == "fileAdded"
                }?["seq"] as? Int)
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(space)/read", token: client.token, json: ["seq": attachmentSeq]).status
                    == .noContent)
            #expect(try await notification() == ("message", 1))

            let events = try await env.request(.get, "/api/v1/spaces/\(space)/events", token: client.token).items()
            let added = events.filter { $0["kind"] as? String == "fileAdded" }.map { $0["data"] as? [String: Any] ?? [:] }
            #expect(added.map { $0["name"] as? String } == ["ohje.pdf", "cv-pohja.pdf"])
            #expect(added.map { $0["attachment"] as? Bool } == [nil, true])
            // Both are in the files list.
            #expect(try await env.fileList(client, space).items().count == 2)
        }
    }

    @Test func anExpertsReadsOfAClientsFilesAreLogged() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            let client = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let id = try #require(try await env.upload(client, space, name: "cv.pdf", Samples.pdf).json()["id"] as? String)
            func log() async throws -> [(String, String)] {
                try await env.request(.get, "/api/v1/spaces/\(space)/access-log?limit=100", token: client.token).items()
                    .map { ($0["readerId"] as? String ?? "", $0["kind"] as? String ?? "") }
            }
            let before = try await log()
            #expect(try await env.download(client, space, id).status == .ok)
            #expect(try await log().count == before.count, "a client's own read is not logged")
            #expect(try await env.fileList(expert, space).status == .ok)
            #expect(try await env.download(expert, space, id).status == .ok)
            let after = try await log()
            #expect(after.filter { $0 == (expert.id, "file") }.count == before.filter { $0 == (expert.id, "file") }.count + 1)
            #expect(after.filter { $0 == (expert.id, "files") }.count == before.filter { $0 == (expert.id, "files") }.count + 1)
        }
    }

    @Test func noPlaintextReachesTheDataDirectory() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let marker = "SALAINEN-MERKKI-\(UUID().uuidString)"
            let small = Array("Henkilötunnus ja \(marker) eivät saa päätyä levylle.\n".utf8)
            let large = Samples.largeText(300_000, marker: marker)
            let exact = Samples.largeText(3 * FileCrypto.chunkSize, marker: marker)
            var ids: [String: [UInt8]] = [:]
            for (name, bytes) in [("pieni.txt", small), ("suuri.txt", large), ("tasan.txt", exact)] {
                let r = try await env.upload(expert, space, name: name, bytes)
                #expect(r.status == .created)
                ids[try #require(try r.json()["id"] as? String)] = bytes
            }
            for (id, bytes) in ids { #expect(try await env.download(expert, space, id).bytes == bytes) }
            let needles = [Array(marker.utf8), Array(large[100_000..<100_040]), Array(exact.suffix(40))]
            let files = try env.dataFiles()
            #expect(files.contains { $0.lastPathComponent.hasSuffix(".sqlite-wal") || $0.lastPathComponent.hasSuffix(".sqlite") })
            #expect(try env.storedFiles().count == 3)
            for file in files {
                let bytes = [UInt8](try Data(contentsOf: file))
                for needle in needles {
                    let found = contains(bytes, needle)
                    #expect(!found, "plaintext found in \(file.lastPathComponent)")
                }
            }
            // Stored files are private to the server's user, and are as long as the format says.
            #expect(FilePermissions.mode(of: env.config.filesDir) == 0o700)
            for name in try env.storedFiles() {
                let url = env.config.filesDir.appending(path: name)
                #expect(FilePermissions.mode(of: url) == 0o600)
                let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
                #expect(ids.values.contains { FileCrypto.encryptedSize(size: Int64($0.count)) == Int64(size) })
            }
        }
    }

    @Test func aTamperedFileIsNotServed() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let bytes = Samples.largeText(200_000, marker: "x")
            let id = try #require(try await env.upload(expert, space, name: "a.txt", bytes).json()["id"] as? String)
            let name = try #require(try env.storedFiles().first)
            let url = env.config.filesDir.appending(path: name)
            let original = try Data(contentsOf: url)
            #expect(try await env.download(expert, space, id).bytes == bytes)

            let damages: [(String, (inout Data) -> Void)] = [
                ("a byte of the first chunk", { $0[FileCrypto.headerSize + 10] ^= 0x01 }),
                ("a byte of a later chunk", { $0[$0.count - 100] ^= 0x80 }),
                ("a tag", { $0[FileCrypto.headerSize + FileCrypto.chunkSize + 3] ^= 0x01 }),
                ("the nonce prefix", { $0[6] ^= 0x01 }),
                ("the end cut off", { $0.removeLast(FileCrypto.tagSize + 1) }),
                ("bytes added", { $0.append(contentsOf: [0, 0, 0]) }),
                (
                    "two chunks swapped",
                    { data in
                        let size = FileCrypto.chunkSize + FileCrypto.tagSize
                        let a = FileCrypto.headerSize
                        let b = a + size
                        let first = data[a..<b]
                        let second = data[b..<b + size]
                        data.replaceSubrange(a..<b + size, with: second + first)
                    }
                ),
            ]
            for (what, damage) in damages {
                var data = original
                damage(&data)
                try data.write(to: url)
                let r = try await env.download(expert, space, id)
                #expect(r.status == .internalServerError && r.code == "file.corrupt", "\(what): \(r.status)")
            }
            try FileManager.default.removeItem(at: url)
            #expect(try await env.download(expert, space, id).code == "file.corrupt")
            try original.write(to: url)
            #expect(try await env.download(expert, space, id).bytes == bytes)
        }
    }

    @Test func namesAreSanitisedForTheDisposition() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            func stored(_ header: String, _ bytes: [UInt8] = Samples.text) async throws -> (String, String) {
                let r = try await env.upload(expert, space, name: "", bytes, fileHeader: header)
                #expect(r.status == .created, "\(header): \(r.status)")
                let json = try r.json()
                let id = try #require(json["id"] as? String)
                let d = try await env.download(expert, space, id)
                return (json["name"] as? String ?? "", d.headers[.contentDisposition] ?? "")
            }
            let (passwd, passwdHeader) = try await stored("form-data; name=\"file\"; filename=\"../../etc/passwd\"")
            #expect(passwd == "passwd.txt")
            #expect(passwdHeader == "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt")
            let (windows, _) = try await stored("form-data; name=\"file\"; filename=\"C:\\\\Users\\\\aino\\\\cv.txt\"")
            #expect(windows == "cv.txt")
            // Browsers write quotes and line breaks as %22, %0D and %0A.
            let (quoted, quotedHeader) = try await stored("form-data; name=\"file\"; filename=\"a%22b%0D%0Ac\\\"d.txt\"")
            #expect(quoted == "abcd.txt")
            #expect(quotedHeader == "attachment; filename=\"abcd.txt\"; filename*=UTF-8''abcd.txt")
            // RFC 8187 names, with a bidi override that would show "txt.exe" as "exe.txt".
            let (rtl, rtlHeader) = try await stored("form-data; name=\"file\"; filename*=UTF-8''%E2%80%AEtxt.exe")
            #expect(rtl == "txt.exe.txt")
            #expect(!rtlHeader.contains("%E2%80%AE"))
            let long = String(repeating: "Äänitiedosto ", count: 30) + ".pdf"
            let encoded = FileNames.percentEncoded(long)
            let (longName, longHeader) = try await stored("form-data; name=\"file\"; filename*=UTF-8''\(encoded)", Samples.pdf)
            #expect(longName.count == FileRules.maxName && longName.hasSuffix(".pdf") && longName.hasPrefix("Äänitiedosto"))
            #expect(longHeader.hasPrefix("attachment; filename=\"Aanitiedosto Aanitiedosto "))
            #expect(longHeader.contains("filename*=UTF-8''%C3%84%C3%A4nitiedosto%20"))
            #expect(longHeader.allSatisfy { $0.isASCII && $0 != "\r" && $0 != "\n" })
            // A name whose extension does not fit the content gets the right one after it.
            let (html, _) = try await stored("form-data; name=\"file\"; filename=\"sivu.html\"", Samples.pdf)
            #expect(html == "sivu.html.pdf")
            let (none, _) = try await stored("form-data; name=\"file\"; filename=\"...\"", Samples.png)
            #expect(none == "file.png")
        }
    }

    @Test func aClosedSpaceTakesNoFiles() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            let id = try #require(try await env.upload(expert, space, name: "a.pdf", Samples.pdf).json()["id"] as? String)
            let closed = try await env.request(.post, "/api/v1/spaces/\(space)/close", token: expert.token, json: ["outcome": "employed"])
            #expect(closed.status == .ok, "closing gave \(closed.status) \(closed.code ?? "")")
            let r = try await env.upload(expert, space, name: "b.pdf", Samples.pdf)
            #expect(r.status == .conflict && r.code == "space.closed")
            #expect(try await env.download(expert, space, id).status == .ok)
            #expect(try env.storedFiles().count == 1)
        }
    }

    @Test func theSweepRemovesOnlyOldFilesWithoutARow() async throws {
        try await TestEnv.run { env in
            let expert = try await env.filesExpert("aino@example.fi")
            _ = try await env.filesClient("kalle@example.fi")
            let space = try await env.filesSpace(expert, client: "kalle@example.fi")
            #expect(try await env.upload(expert, space, name: "a.pdf", Samples.pdf).status == .created)
            let dir = env.config.filesDir
            let old = Date().addingTimeInterval(-7200)
            for name in ["orphan", "upload.part", "fresh.part"] {
                #expect(FileManager.default.createFile(atPath: dir.appending(path: name).path, contents: Data([1, 2, 3])))
                if name != "fresh.part" {
                    try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: dir.appending(path: name).path)
                }
            }
            let kept = try #require(try env.storedFiles().first { !["orphan", "upload.part", "fresh.part"].contains($0) })
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: dir.appending(path: kept).path)
            #expect(try await env.components.files.sweep() == 2)
            #expect(Set(try env.storedFiles()) == [kept, "fresh.part"])
        }
    }
}

@Suite struct FileFormatTests {
    @Test func chunksOpenOnlyInTheirPlace() throws {
        let key = FileCrypto.newKey()
        for size in [0, 1, FileCrypto.chunkSize - 1, FileCrypto.chunkSize, FileCrypto.chunkSize + 1, 3 * FileCrypto.chunkSize + 17] {
            let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var sealer = FileSealer(key: key)
            var sealed = sealer.header
            var i = 0
            while i < plaintext.count {  // uneven pieces, as a network delivers them
                let piece = plaintext[i..<min(plaintext.count, i + 10_007)]
                sealed += try sealer.add(piece)
                i += piece.count
            }
            sealed += try sealer.finish()
            #expect(Int64(sealed.count) == FileCrypto.encryptedSize(size: Int64(size)))
            let opener = try FileOpener(key: key, header: Array(sealed.prefix(FileCrypto.headerSize)))
            let count = Int(FileCrypto.chunkCount(size: Int64(size)))
            var out: [UInt8] = []
            var offset = FileCrypto.headerSize
            var chunks: [[UInt8]] = []
            for index in 0..<count {
                let length = min(FileCrypto.chunkSize, size - index * FileCrypto.chunkSize) + FileCrypto.tagSize
                let chunk = Array(sealed[offset..<offset + length])
                chunks.append(chunk)
                out += try opener.open(chunk, index: UInt64(index), final: index == count - 1)
                offset += length
            }
            #expect(out == plaintext)
            // The last chunk is not a middle one, a middle one is not the last, and none opens elsewhere.
            #expect(throws: FileCrypto.Corrupt.self) { try opener.open(chunks[count - 1], index: UInt64(count - 1), final: false) }
            if count > 1 {
                #expect(throws: FileCrypto.Corrupt.self) { try opener.open(chunks[0], index: 0, final: true) }
                #expect(throws: FileCrypto.Corrupt.self) { try opener.open(chunks[0], index: 1, final: false) }
            }
            #expect(throws: FileCrypto.Corrupt.self) {
                try FileOpener(key: FileCrypto.newKey(), header: Array(sealed.prefix(FileCrypto.headerSize))).open(
                    chunks[0], index: 0, final: count == 1)
            }
        }
    }

    @Test func aWrappedKeyOpensOnlyForItsFileUnderItsMasterKey() throws {
        let master = SymmetricKey(size: .bits256)
        let key = FileCrypto.newKey()
        let wrapped = try FileCrypto.wrap(key, fileId: "f1", master: master)
        #expect(wrapped.count == 61)
        let unwrapped = try FileCrypto.unwrap(wrapped, fileId: "f1", master: master)
        #expect(unwrapped.withUnsafeBytes { Array($0) } == key.withUnsafeBytes { Array($0) })
        #expect(throws: FileCrypto.Corrupt.self) { try FileCrypto.unwrap(wrapped, fileId: "f2", master: master) }
        #expect(throws: FileCrypto.Corrupt.self) { try FileCrypto.unwrap(wrapped, fileId: "f1", master: SymmetricKey(size: .bits256)) }
    }

    @Test func theSnifferDecidesFromTheContent() {
        func sniff(_ bytes: [UInt8], pieces: Int = 1000) -> FileType? {
            var sniffer = FileSniffer()
            var i = 0
            while i < bytes.count {
                sniffer.feed(Array(bytes[i..<min(bytes.count, i + pieces)]))
                i += pieces
            }
            return sniffer.decide()
        }
        #expect(sniff(Samples.pdf) == .pdf)
        #expect(sniff(Samples.docx, pieces: 7) == .docx)
        #expect(sniff(Samples.xlsx) == .xlsx)
        #expect(sniff(Samples.zip([("[Content_Types].xml", [1]), ("ppt/presentation.xml", [2])], centralDirectory: false)) == .pptx)
        #expect(sniff(Samples.odt) == .odt)
        #expect(sniff(Samples.zip([("mimetype", Array("application/vnd.oasis.opendocument.text-template".utf8))])) == nil)
        #expect(sniff(Samples.zip([("mimetype", Array("application/vnd.oasis.opendocument.text".utf8)), ("Basic/m.xml", [1])])) == nil)
        #expect(sniff(Samples.compound("WordDocument"), pieces: 100) == .doc)
        #expect(sniff(Samples.compound("Book")) == .xls)
        #expect(sniff(Array("Rivi\tyksi\r\nRivi kaksi: 5 < 6\n".utf8)) == .text)
        #expect(sniff(Array("\u{FEFF}Hei 👋\n".utf8)) == .text)
        #expect(sniff([0xEF, 0xBB, 0xBF] + Array("  <svg/>".utf8)) == nil)
        #expect(sniff(Array("Hei ä".utf8).dropLast()) == nil)
        #expect(sniff(Array("a\u{7F}".utf8)) == nil)
        #expect(sniff([0x41, 0xED, 0xA0, 0x80]) == nil)  // a surrogate
        #expect(sniff([]) == nil)
    }

    @Test func namesKeepTheirExtensionAndLoseWhatIsUnsafe() {
        #expect(FileNames.sanitize("raportti.PDF", type: .pdf) == "raportti.PDF")
        #expect(FileNames.sanitize("kuva.jpeg", type: .jpeg) == "kuva.jpeg")
        #expect(FileNames.sanitize("kuva.png", type: .jpeg) == "kuva.png.jpg")
        #expect(FileNames.sanitize("muistio", type: .text) == "muistio.txt")
        #expect(FileNames.sanitize("a<b>c:d|e?f*g.txt", type: .text) == "a_b_c_d_e_f_g.txt")
        #expect(FileNames.sanitize(".env", type: .text) == "env.txt")
        #expect(FileNames.sanitize(nil, type: .pdf) == "file.pdf")
        #expect(FileNames.sanitize("a\u{0}b\u{202E}c\u{200B}.txt", type: .text) == "abc.txt")
        let decomposed = "Ka\u{0308}yttaja.txt"
        #expect(FileNames.sanitize(decomposed, type: .text) == "Käyttaja.txt")
        #expect(
            FileNames.contentDisposition("Hakemus ä'1.pdf")
                == "attachment; filename=\"Hakemus a'1.pdf\"; filename*=UTF-8''Hakemus%20%C3%A4%271.pdf")
        #expect(FileNames.asciiFallback("日本%\"\\.txt") == "_____.txt")
    }
}
