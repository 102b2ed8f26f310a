import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import Metrics
import NIOSSL
import PasswordHashing
import Prometheus
import ServiceLifecycle
import TextAnalysis

/// Everything the server is made of, built once from the configuration. Tests build it too.
public struct AppComponents: Sendable {
    public let config: AppConfiguration
    public let db: AppDatabase
    let auth: AuthService
    let organizations: OrganizationsService
    let invitations: InvitationsService
    let catalogueExchange: CatalogueExchange
    let catalogueSnapshots: CatalogueSnapshots
    let catalogueSearch: CatalogueSearch
    let serviceDetails: ServiceDetails
    let municipalityPages: MunicipalityPages
    let catalogueSuggestions: CatalogueSuggestions
    let catalogueEditing: CatalogueEditingService
    let favourites: FavouritesService
    let mailStore: MailStore
    let mailWakeup: MailWakeup
    let sessionEvents: SessionEvents
    let securityEvents: SecurityEventsService
    let hub: RealtimeHub
    let spaces: SpacesService
    let messages: MessagesService
    let notifications: NotificationsService
    let files: FilesService
    let picks: PicksService
    let tasks: TasksService
    let meetings: MeetingsService
    let reminders: RemindersService
    let push: PushService
    let searchWords: SearchWordsService
    let statistics: CatalogueStatisticsService
    let shortLinks: ShortLinksService
    let embed: EmbedService
    let logger: Logger

    public static func make(_ config: AppConfiguration, logger: Logger? = nil) async throws -> AppComponents {
        var log = logger ?? Logger(label: "ohjaustila")
        log.logLevel = config.logLevel
        FilePermissions.restrictNewFiles()
        for warning in FilePermissions.warnings(dataDir: config.dataDir, masterKey: config.masterKeyFile) {
            log.warning("\(warning)")
        }
        try FilePermissions.createPrivateDirectory(config.dataDir)
        let masterKey = try MasterKey.ensure(at: config.masterKeyFile)
        let vapid = try VAPID.ensure(at: config.vapidKeyFile, subject: "mailto:" + MailRenderer.address(config.mailFrom))
        let fileStorage = FileStorage(directory: config.filesDir, masterKey: masterKey)
        try fileStorage.prepare()
        let db = try AppDatabase.open(path: config.databasePath, migrationsDir: config.migrationsDir)
        let passwords = try Passwords(hasher: PasswordHasher(memoryKiB: config.passwordMemoryKiB), limiter: .sizedToCores())
        let wakeup = MailWakeup()
        let sessionEvents = SessionEvents()
        let indexer = CatalogueIndexer(analyzer: try Analyzer())
        let base = config.origin
        let auth = AuthService(
            store: AuthStore(db: db), passwords: passwords, throttle: LoginThrottle(), clock: config.clock, ids: config.ids,
            idleTimeout: config.sessionIdleTimeout, lifetime: config.sessionLifetime, baseURL: base, mailWakeup: wakeup,
            sessionEvents: sessionEvents)
        let hub = RealtimeHub()
        sessionEvents.addListener { ended in for e in ended { hub.sessionEnded(e.sessionId, userId: e.userId) } }
        let invitations = InvitationsService(
            store: InvitationsStore(db: db), auth: auth,
            grants: [
                .organization: OrganizationsService.invitationGrant,
                .space: SpacesService.invitationGrant(hub: hub, ids: config.ids),
            ],
            clock: config.clock, ids: config.ids, baseURL: base, mailWakeup: wakeup)
        let organizations = OrganizationsService(
            store: OrganizationsStore(db: db), invitations: invitations, clock: config.clock, ids: config.ids)
        let snapshots = CatalogueSnapshots(store: CatalogueSearchStore(db: db), indexer: indexer)
        let serviceDetails = ServiceDetails(snapshots: snapshots, clock: config.clock)
        let spaces = SpacesService(
            store: SpacesStore(db: db, hub: hub, ids: config.ids), invitations: invitations, clock: config.clock, ids: config.ids,
            mailWakeup: wakeup,
            outcomes: { Set(((try? await snapshots.snapshot())?.taxonomy.employmentStatuses ?? []).map(\.id)) },
            maxFileBytes: config.maxUploadBytes)
        let searchWordsStore = SearchWordsStore(db: db)
        let searchWords = SearchWordsService(
            store: searchWordsStore, synonyms: SynonymCache(), indexer: indexer,
            misses: SearchMissRecorder(store: searchWordsStore, clock: config.clock), clock: config.clock, ids: config.ids)
        let statisticsStore = CatalogueStatisticsStore(db: db)
        let messageStore = MessagesStore(db: db, hub: hub, ids: config.ids)
        let favourites = FavouritesService(store: FavouritesStore(db: db), services: serviceDetails, clock: config.clock, ids: config.ids)
        let messages = MessagesService(
            store: messageStore, writer: MessageWriter(store: messageStore, clock: config.clock), spaces: spaces, hub: hub,
            clock: config.clock)
        return AppComponents(
            config: config, db: db, auth: auth, organizations: organizations, invitations: invitations,
            catalogueExchange: CatalogueExchange(store: CatalogueImportStore(db: db), indexer: indexer, clock: config.clock),
            catalogueSnapshots: snapshots, catalogueSearch: CatalogueSearch(snapshots: snapshots, searchWords: searchWords),
            serviceDetails: serviceDetails,
            municipalityPages: MunicipalityPages(snapshots: snapshots), catalogueSuggestions: CatalogueSuggestions(snapshots: snapshots),
            catalogueEditing: CatalogueEditingService(
                store: CatalogueEditingStore(db: db), reviews: CatalogueReviewStore(db: db), indexer: indexer, clock: config.clock),
            favourites: favourites,
            mailStore: MailStore(db: db),
            mailWakeup: wakeup,
            sessionEvents: sessionEvents,
            securityEvents: SecurityEventsService(
                store: SecurityEventsStore(db: db), clock: config.clock, retention: config.securityEventRetention),
            hub: hub, spaces: spaces, messages: messages,
            notifications: NotificationsService(store: NotificationsStore(db: db), clock: config.clock),
            files: FilesService(
                store: FilesStore(db: db, hub: hub, ids: config.ids), storage: fileStorage, spaces: spaces, clock: config.clock,
                ids: config.ids, maxBytes: config.maxUploadBytes, logger: log),
            picks: PicksService(
                store: PicksStore(db: db, hub: hub, ids: config.ids), spaces: spaces, services: serviceDetails, clock: config.clock),
            tasks: TasksService(store: TasksStore(db: db, hub: hub, ids: config.ids), spaces: spaces, clock: config.clock),
            meetings: MeetingsService(
                store: MeetingsStore(db: db, hub: hub, ids: config.ids), spaces: spaces, clock: config.clock, ids: config.ids,
                baseURL: config.baseURL, cancelNotice: config.slotCancelNotice),
            reminders: RemindersService(store: RemindersStore(db: db), clock: config.clock),
            push: PushService(
                store: PushStore(db: db), vapid: vapid, clock: config.clock, ids: config.ids,
                allowLocalEndpoints: config.testPushAllowLocal),
            searchWords: searchWords,
            statistics: CatalogueStatisticsService(
                store: statisticsStore, views: ServiceViewCounter(store: statisticsStore, clock: config.clock), clock: config.clock),
            shortLinks: ShortLinksService(store: ShortLinksStore(db: db), favourites: favourites, clock: config.clock, baseURL: base),
            embed: EmbedService(store: EmbedStore(db: db), clock: config.clock, ids: config.ids),
            logger: log)
    }

    var cookie: SessionCookie { SessionCookie(https: config.isHTTPS, lifetime: config.sessionLifetime) }

    /// The HTTP router: middleware first (a router wraps only the routes added after its middleware).
    public func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            SecurityHeadersMiddleware(https: config.isHTTPS)
            AccessLogMiddleware()
            MetricsMiddleware()
            ProblemMiddleware()
            WebShellMiddleware()
            ServiceWorkerMiddleware(publicDir: config.publicDir)
            FileMiddleware(
                config.publicDir.path, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true,
                logger: logger)
            SessionMiddleware(auth: auth, cookie: cookie)
            OriginCheckMiddleware(origin: config.origin)
        }
        SystemController(
            db: db, metrics: Telemetry.registry, openAPIFile: config.publicDir.appending(path: "openapi.json"),
            metricsAccess: MetricsAccess(token: config.metricsToken)
        )
        .addRoutes(to: router)
        let shortLinksController = ShortLinksController(links: shortLinks)
        shortLinksController.addRedirect(to: router)
        let embedController = EmbedController(embed: embed, page: config.publicDir.appending(path: "embed/search.html"))
        embedController.addPage(to: router)
        let authController = AuthController(auth: auth, cookie: cookie, trustForwardedFor: config.trustForwardedFor)
        Routes.mount(
            on: router.group("api/v1"),
            .init(
                auth: authController, organizations: OrganizationsController(organizations: organizations, signIn: authController),
                catalogue: CatalogueController(
                    catalogueSearch: catalogueSearch, serviceDetails: serviceDetails, municipalityPages: municipalityPages,
                    suggestions: catalogueSuggestions, snapshots: catalogueSnapshots, favourites: favourites,
                    misses: searchWords.misses, views: statistics.views, clock: config.clock),
                articles: ArticlesController(articles: ArticlesService(store: ArticlesStore(db: db))),
                favourites: FavouritesController(favourites: favourites),
                invitations: InvitationsController(invitations: invitations, signIn: authController),
                securityEvents: SecurityEventsController(events: securityEvents),
                spaces: SpacesController(spaces: spaces, trustForwardedFor: config.trustForwardedFor),
                messages: MessagesController(messages: messages),
                notifications: NotificationsController(notifications: notifications), files: FilesController(files: files),
                picks: PicksController(picks: picks), tasks: TasksController(tasks: tasks),
                meetings: MeetingsController(meetings: meetings),
                reminders: RemindersController(reminders: reminders), push: PushController(push: push),
                today: TodayController(
                    today: TodayService(
                        tasks: tasks, meetings: meetings, notifications: notifications, picks: picks, clock: config.clock)),
                searchWords: SearchWordsController(searchWords: searchWords),
                catalogueEditing: CatalogueEditingController(editing: catalogueEditing),
                ptv: PTVController(
                    exchange: PTVExchange(
                        store: PTVStore(db: db), editing: catalogueEditing.store, indexer: catalogueEditing.indexer, clock: config.clock,
                        mappingFile: config.ptvMappingFile)),
                articleEditing: ArticleEditingController(
                    editing: ArticleEditingService(
                        store: ArticleEditingStore(db: db), catalogue: catalogueEditing.store, clock: config.clock)),
                statistics: CatalogueStatisticsController(statistics: statistics), shortLinks: shortLinksController,
                embed: embedController, taxonomy: TaxonomyController(taxonomy: TaxonomyService(store: TaxonomyStore(db: db)))))
        return router
    }

    /// The router of WebSocket upgrades (the upgrade request sees only this one, not `router()`).
    public func webSocketRouter() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware { SessionMiddleware(auth: auth, cookie: cookie) }
        var realtime = RealtimeEndpoint(
            hub: hub, messages: messages, spaces: spaces.store, logger: logger, clock: config.clock,
            keepAlive: { [auth] in await auth.keepAlive(sessionId: $0) })
        realtime.rate = Double(config.socketFrameRate)
        realtime.idleTimeout = .milliseconds(Int64(config.socketIdleTimeout * 1000))
        let endpoint = realtime
        router.ws("api/v1/ws", shouldUpgrade: RealtimeEndpoint.shouldUpgrade(origin: config.origin)) { inbound, outbound, context in
            guard let session = context.requestContext.session else { return }
            await endpoint.run(inbound: inbound, outbound: outbound, session: session, channel: context.requestContext.channel)
        }
        return router
    }

    /// What performs each kind of durable job.
    func jobHandlers(transport: any MailTransport) -> [any JobHandler] {
        [
            MailSender(transport: transport, from: config.mailFrom, retention: config.sentMailRetention),
            PasswordResetRequests(auth: auth),
            ReminderSender(store: reminders.store, hub: hub, clock: config.clock, ids: config.ids, baseURL: config.origin),
            PushSender(store: push.store, vapid: push.vapid, clock: config.clock, logger: logger),
            ReviewNoticeSender(store: catalogueEditing.reviews, clock: config.clock, ids: config.ids, baseURL: config.origin),
        ]
    }

    /// Background services that run beside the HTTP server.
    func services() throws -> [any Service] {
        guard config.runsBackgroundServices else { return [] }
        let transport: any MailTransport =
            switch config.mailTransport {
            case .file:
                FileMailTransport(
                    directory: config.mailDir, testDelay: config.testFileMailDelayMs > 0 ? .milliseconds(config.testFileMailDelayMs) : nil)
            case .smtp:
                SMTPMailTransport(
                    host: config.smtpHost, port: config.smtpPort, security: config.smtpSecurity, username: config.smtpUsername,
                    password: config.smtpPassword, caFile: config.smtpCAFile, heloName: config.baseURL.host ?? "localhost")
            }
        return [
            JobRunner(
                store: JobStore(db: db), handlers: jobHandlers(transport: transport), clock: config.clock, wakeup: mailWakeup,
                logger: logger, lease: config.jobLease,
                retention: config.jobRetention),
            SessionSweeper(
                auth: auth, securityEvents: securityEvents, spaces: spaces, accessLogRetention: config.accessLogRetention,
                clock: config.clock,
                logger: logger),
            CatalogueRefresher(catalogue: catalogueSnapshots, clock: config.clock, logger: logger),
            FileSweeper(files: files, clock: config.clock, logger: logger),
            MessageAlerts(
                store: reminders.store, clock: config.clock, logger: logger, baseURL: config.origin, delay: config.messageAlertDelay),
            SearchMissSweeper(misses: searchWords.misses, clock: config.clock, logger: logger),
            ReviewSweeper(store: catalogueEditing.reviews, clock: config.clock, ids: config.ids, logger: logger),
            ServiceViewFlusher(views: statistics.views, clock: config.clock, logger: logger),
        ]
    }
}

/// Builds the server: HTTP/1.1 with the WebSocket upgrade of `/api/v1/ws`, optionally over TLS.
public func buildApplication(_ config: AppConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let components = try await AppComponents.make(config, logger: logger)
    return try buildApplication(components)
}

public func buildApplication(_ components: AppComponents) throws -> some ApplicationProtocol {
    let config = components.config
    // hummingbird-websocket's upgrade channel neither answers nor closes a connection whose first request
    // does not parse, nor one that sends nothing: the guarded one does (see GuardedUpgradeChannel).
    var server = HTTPServerBuilder.guardedHTTP1WebSocketUpgrade(
        webSocketRouter: components.webSocketRouter(), configuration: RealtimeEndpoint.configuration,
        idleTimeout: .milliseconds(Int64(config.httpIdleTimeout * 1000)))
    if let certificate = config.tlsCertificate, let key = config.tlsKey {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate.path).map { NIOSSLCertificateSource.certificate($0) }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem)))
        server = try .tls(server, tlsConfiguration: tls)
    }
    let logger = components.logger
    return Application(
        router: components.router(),
        server: server,
        configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "Ohjaustila"),
        services: try components.services(),
        onServerRunning: { channel in
            logger.notice("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}

/// Metrics go to one Prometheus registry for the whole process.
enum Telemetry {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// Ends sessions past their lifetime or idle timeout (and says so), and deletes security events and
/// access-log records past their retention, once a minute.
struct SessionSweeper: PeriodicService {
    let auth: AuthService
    let securityEvents: SecurityEventsService
    let spaces: SpacesService
    let accessLogRetention: TimeInterval
    let clock: AppClock
    let logger: Logger
    var name: String { "session sweep" }
    var interval: TimeInterval = 60

    func runOnce() async throws {
        _ = try await auth.sweepExpiredSessions()
        _ = try await securityEvents.sweep()
        _ = try await spaces.sweepAccessLog(retention: accessLogRetention)
    }
}

/// Writes the counted searches that found little once a minute, and erases those older than 13 months.
struct SearchMissSweeper: PeriodicService {
    let misses: SearchMissRecorder
    let clock: AppClock
    let logger: Logger
    var name: String { "search miss sweep" }
    var interval: TimeInterval = 60

    func runOnce() async throws {
        _ = try await misses.sweep()
    }

    /// Also writes what was counted since the last sweep when the server stops gracefully.
    func finish() async {
        try? await misses.flush()
    }
}

/// Removes stored files that no row names any more, once an hour.
struct FileSweeper: PeriodicService {
    let files: FilesService
    let clock: AppClock
    let logger: Logger
    var name: String { "file sweep" }
    var interval: TimeInterval = 3600

    func runOnce() async throws {
        _ = try await files.sweep()
    }
}
