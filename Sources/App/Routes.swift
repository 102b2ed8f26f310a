import Hummingbird

/// Mounts each feature's controller under `/api/v1`.
enum Routes {
    static func mount(on api: RouterGroup<AppRequestContext>, _ c: Controllers) {
        c.auth.addRoutes(to: api)
        c.organizations.addRoutes(to: api)
        c.catalogue.addRoutes(to: api)
        c.articles.addRoutes(to: api)
        c.favourites.addRoutes(to: api)
        c.invitations.addRoutes(to: api)
        c.securityEvents.addRoutes(to: api)
        c.spaces.addRoutes(to: api)
        c.messages.addRoutes(to: api)
        c.notifications.addRoutes(to: api)
        c.files.addRoutes(to: api)
        c.picks.addRoutes(to: api)
        c.tasks.addRoutes(to: api)
        c.meetings.addRoutes(to: api)
        c.reminders.addRoutes(to: api)
        c.push.addRoutes(to: api)
        c.today.addRoutes(to: api)
        c.searchWords.addRoutes(to: api)
        c.catalogueEditing.addRoutes(to: api)
        c.ptv.addRoutes(to: api)
        c.articleEditing.addRoutes(to: api)
        c.statistics.addRoutes(to: api)
        c.shortLinks.addRoutes(to: api)
        c.embed.addRoutes(to: api)
        c.taxonomy.addRoutes(to: api)
    }

    struct Controllers {
        let auth: AuthController
        let organizations: OrganizationsController
        let catalogue: CatalogueController
        let articles: ArticlesController
        let favourites: FavouritesController
        let invitations: InvitationsController
        let securityEvents: SecurityEventsController
        let spaces: SpacesController
        let messages: MessagesController
        let notifications: NotificationsController
        let files: FilesController
        let picks: PicksController
        let tasks: TasksController
        let meetings: MeetingsController
        let reminders: RemindersController
        let push: PushController
        let today: TodayController
        let searchWords: SearchWordsController
        let catalogueEditing: CatalogueEditingController
        let ptv: PTVController
        let articleEditing: ArticleEditingController
        let statistics: CatalogueStatisticsController
        let shortLinks: ShortLinksController
        let embed: EmbedController
        let taxonomy: TaxonomyController
    }
}
