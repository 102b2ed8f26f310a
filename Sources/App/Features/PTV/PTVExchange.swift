import Foundation

/// Services in and out of the national service registry's (PTV) shape, for one organisation at a
/// time. An import first plans (what it would create, update, leave or archive, field by field, and
/// what did not map); a dry run answers the plan, a real run writes it in one transaction, or
/// nothing when any service has a problem. Matching is by the registry's id (remembered in
/// `service_ptv`), then by `sourceId` (the catalogue's id, which an export writes), so the same
/// file imported twice changes nothing the second time.
struct PTVExchange: Sendable {
    let store: PTVStore
    let editing: CatalogueEditingStore
    let indexer: CatalogueIndexer
    let clock: AppClock
    let mappingFile: URL

    static let maxFileBytes = 16 << 20

    func mapping() -> PTVCodeMapping {
        guard let data = try? Data(contentsOf: mappingFile), let m = try? JSONDecoder().decode(PTVCodeMapping.self, from: data) else {
            return .empty
        }
        return m
    }

    /// Content producers and approvers of the organisation, and platform admins, import.
    func requireImporter(_ caller: SessionUser?, organizationId: String) async throws -> (SessionUser, OrganizationRecord) {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        guard let org = try await editing.organization(organizationId) else {
            throw AppError.validation([FieldError("organization", "field.unknownCode")])
        }
        let roles = caller.roles[organizationId] ?? []
        guard caller.isPlatformAdmin || roles.contains(.contentProducer) || roles.contains(.approver) else { throw AppError.forbidden }
        return (caller, org)
    }

    func importFile(_ data: Data, organizationId: String, dryRun: Bool, by caller: SessionUser?) async throws -> PTVImportDTO {
        let (caller, org) = try await requireImporter(caller, organizationId: organizationId)
        let elements = try Self.decode(data)
        for _ in 0..<3 {
            let now = clock.now
            let (report, writes) = try await plan(elements, organization: org, now: now)
            let problems = report.reduce(0) { $0 + $1.problems.count }
            var counts = PTVImportCounts()
            for r in report {
                switch r.action {
                case "create": counts.create += 1
                case "update": counts.update += 1
                case "unchanged": counts.unchanged += 1
                case "archive": counts.archive += 1
                default: counts.skip += 1
                }
            }
            let answer = PTVImportDTO(
                dryRun: dryRun || problems > 0, organizationId: org.id, counts: counts, problemCount: problems, services: report)
            if dryRun { return answer }
            if problems > 0 { throw AppError(.unprocessableContent, "ptv.importInvalid", details: answer) }
            do {
                try await store.apply(writes, by: caller.userId, now: now)
                return answer
            } catch is PTVStore.Moved {
                continue
            }
        }
        throw AppError(.conflict, "catalogue.importConflict")
    }

    /// A file's services: a bare array or a page `{itemList: [...]}`; each element decoded on its
    /// own, so that one that is not a service is reported at its place.
    static func decode(_ data: Data) throws -> [PTVElement] {
        struct Element: Decodable {
            let value: PTVElement
            init(from decoder: any Decoder) throws {
                do {
                    value = .service(try PTVService(from: decoder))
                } catch let error as DecodingError {
                    value = .invalid(FieldError(Self.path(error), "field.invalidValue"))
                }
            }
            static func path(_ error: DecodingError) -> String {
                let keys: [any CodingKey]
                switch error {
                case .keyNotFound(let key, let c): keys = c.codingPath + [key]
                case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): keys = c.codingPath
                @unknown default: keys = []
                }
                // The element's own path, without its place in the file.
                return keys.dropFirst(keys.first?.stringValue == "itemList" ? 2 : 1)
                    .map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
            }
        }
        struct Page: Decodable { let itemList: [Element] }
        guard data.count <= maxFileBytes else { throw AppError(.contentTooLarge, "request.tooLarge") }
        let decoder = JSONDecoder()
        if let list = try? decoder.decode([Element].self, from: data) { return list.map(\.value) }
        if let page = try? decoder.decode(Page.self, from: data) { return page.itemList.map(\.value) }
        throw AppError.validation([FieldError("file", "ptv.notServiceList")])
    }

    /// What an import would do, service by service, and the writes that do it.
    func plan(_ elements: [PTVElement], organization org: OrganizationRecord, now: Date) async throws
        -> ([PTVServiceReport], [PTVStore.Write])
    {
        let mapping = mapping()
        let known = try await editing.vocabulary()
        let region = try await editing.municipalityCodes()
        let (existing, matched) = try await store.existing()
        let orgName = LocalText(fi: org.nameFi, sv: org.nameSv, en: org.nameEn)
        var report: [PTVServiceReport] = []
        var writes: [PTVStore.Write] = []
        var seenIds: Set<String> = []
        var targets: Set<String> = []
        for (index, element) in elements.enumerated() {
            let service: PTVService
            switch element {
            case .invalid(let problem):
                report.append(
                    PTVServiceReport(
                        index: index, ptvId: nil, serviceId: nil, name: .empty, action: "skip", changes: [], notMapped: [],
                        problems: [problem]))
                continue
            case .service(let s): service = s
            }
            var (fields, notes, problems) = PTVMapping.read(service, mapping: mapping, known: known, regionMunicipalities: region)
            let ptvId = service.id?.trimmed.lowercased() ?? ""
            if !ptvId.isEmpty, !seenIds.insert(ptvId).inserted { problems.append(FieldError("id", "field.duplicate")) }
            // The catalogue's service: the one matched to this registry id before, or the one the
            // file names as its source, of this organisation.
            var target: Existing? = matched[ptvId].flatMap { existing[$0] }
            if target == nil, let source = service.sourceId, let candidate = existing[source], candidate.organizationId == org.id,
                candidate.ptvId == nil || candidate.ptvId == ptvId
            {
                target = candidate
            }
            if let t = target, t.organizationId != org.id {
                problems.append(FieldError("id", "ptv.otherOrganization"))
                target = nil
            }
            if let t = target, !targets.insert(t.id).inserted { problems.append(FieldError("sourceId", "field.duplicate")) }
            let base = target?.content ?? PTVFields.template
            let content = fields.applied(to: base)
            if fields.status != nil {
                problems += ServiceContentValidator.errors(content, known)
                if target == nil {
                    for field in ["contacts", "links", "delivery.locations"] {
                        notes.append(PTVNote(field: field, code: "ptv.notInServiceData"))
                    }
                    notes.append(PTVNote(field: "delivery.modes", code: "ptv.defaulted", value: "in-person"))
                }
            }
            let action: String
            let serviceId: String?
            if fields.status == nil {
                action = target.map { $0.status == .archived ? "unchanged" : "archive" } ?? "skip"
                serviceId = target?.id
            } else if let t = target {
                action = content == t.content ? "unchanged" : "update"
                serviceId = t.id
                if fields.status == .draft {
                    notes.append(PTVNote(field: "publishingStatus", code: "ptv.notImported", value: service.publishingStatus))
                }
            } else {
                action = "create"
                var id = ""
                repeat { id = Self.newId(fields.name.fi, ptvId: ptvId) } while existing[id] != nil
                serviceId = id
            }
            let changes = target.map { ServiceDiff.changes(from: $0.content, to: content) } ?? []
            report.append(
                PTVServiceReport(
                    index: index, ptvId: ptvId.isEmpty ? nil : ptvId, serviceId: serviceId, name: fields.name, action: action,
                    changes: action == "update" ? changes : [], notMapped: notes, problems: problems))
            guard problems.isEmpty, let serviceId, action != "skip" else { continue }
            let modified = fields.modified ?? now
            var write = PTVStore.Write(action: .unchanged, serviceId: serviceId, ptvId: ptvId)
            write.expected = target.map { ($0.version, $0.updatedAt) }
            switch action {
            case "create", "update":
                let status: ServiceStatus =
                    target.map { $0.status == .hidden ? .hidden : ($0.status == .archived ? .published : $0.status) } ?? fields.status
                    ?? .draft
                let file = content.service(
                    id: serviceId, organizationId: org.id, status: status, version: target == nil ? 1 : target!.version + 1,
                    updatedAt: modified, reviewedAt: now)
                write.action = action == "create" ? .create : .update
                write.service = file
                write.content = content
                write.document = indexer.document(try ServiceRecord(file, createdAt: 0), keywords: file.keywords, organization: orgName)
            case "archive": write.action = .archive
            default: break
            }
            writes.append(write)
        }
        return (report, writes)
    }

    typealias Existing = PTVStore.Existing

    /// One element of a file: a service, or what is wrong with it.
    enum PTVElement: Sendable {
        case service(PTVService)
        case invalid(FieldError)
    }

    /// A new service's id: its Finnish name as a slug and the start of its registry id.
    static func newId(_ name: String, ptvId: String) -> String {
        let base = CatalogueEditingService.newId(name)
        // The random tail of an editor's id is replaced by the registry id's first characters, so a
        // dry run and the real run name the same id.
        let slug = base.split(separator: "-").dropLast().joined(separator: "-")
        let tail = String(ptvId.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(8))
        return [slug, tail.isEmpty ? String(base.suffix(6)) : tail].filter { !$0.isEmpty }.joined(separator: "-")
    }

    /// The organisation's published services in the registry's shape (a page of all of them).
    func export(organizationId: String, by caller: SessionUser?) async throws -> PTVServicePage {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        guard let org = try await editing.organization(organizationId) else { throw AppError.notFound() }
        let roles = caller.roles[organizationId] ?? []
        guard caller.isPlatformAdmin || !roles.isDisjoint(with: CatalogueEditingService.contentRoles) else { throw AppError.forbidden }
        let mapping = mapping()
        let items = try await store.published(organizationId: organizationId).map { service, ptvId in
            PTVMapping.write(
                ServiceContent(service), serviceId: service.id, ptvId: ptvId,
                modified: CatalogueTimestamps.parse(service.updatedAt) ?? clock.now, organization: (org.id, org.nameFi), mapping: mapping)
        }
        return PTVServicePage(pageNumber: 1, pageCount: 1, itemList: items)
    }
}
