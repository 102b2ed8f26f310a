import Foundation

/// Sign-in, sessions, the caller's own account and password resets. No HTTP, no SQL.
struct AuthService: Sendable {
    let store: AuthStore
    let passwords: Passwords
    let throttle: LoginThrottle
    let clock: AppClock
    let ids: IDGenerator
    let idleTimeout: TimeInterval
    let lifetime: TimeInterval
    let baseURL: String
    let mailWakeup: MailWakeup
    let sessionEvents: SessionEvents

    static let accountLimits = LoginThrottle.Limits(free: 5)
    static let addressLimits = LoginThrottle.Limits(free: 30)
    static let resetLimits = LoginThrottle.Limits(free: 3, window: 3600)
    static let resetAddressLimits = LoginThrottle.Limits(free: 20, window: 3600)
    /// Reset links tried from one address: a real person needs one or two.
    static let resetConfirmLimits = LoginThrottle.Limits(free: 10, window: 900)
    static let resetValidity: TimeInterval = 3600
    /// A session's last-use time is written at most this often.
    static let touchInterval: TimeInterval = 60

    struct SignedIn: Sendable {
        let token: String
        let user: UserDTO
    }

    static func accountKey(_ emailNormalized: String) -> String { "login:" + Secrets.hash(emailNormalized) }

    // MARK: Sign-in

    /// The attempt is counted before the password is verified, in one step with the limit check, so
    /// concurrent wrong passwords cannot all pass the check; Argon2 runs only for admitted attempts.
    func login(_ input: LoginInput, address: String, userAgent: String?) async throws -> SignedIn {
        try Input.check(
            (input.email.isEmpty ? [FieldError("email", "field.required")] : [])
                + (input.password.isEmpty ? [FieldError("password", "field.required")] : []))
        let email = Input.normalizeEmail(input.email)
        let accountKey = Self.accountKey(email)
        let addressKey = "login-address:" + address
        let now = clock.now
        do {
            try throttle.take([(accountKey, Self.accountLimits), (addressKey, Self.addressLimits)], now: now)
        } catch {
            if error.first {
                let known = try await store.user(emailNormalized: email)
                try await record(SecurityEvent(.throttled, subject: known?.id, address: address, detail: "signIn"))
            }
            throw error.appError
        }
        let user = try await store.user(emailNormalized: email)
        let ok =
            input.password.utf8.count <= Input.maxPassword * 4
            ? try await passwords.verify(input.password, encoded: user?.passwordHash) : false
        guard ok, let user else {
            try await record(SecurityEvent(.signInFailed, subject: user?.id, address: address))
            throw AppError(.unauthorized, "auth.invalidCredentials")
        }
        throttle.clear(accountKey)
        throttle.refund(addressKey)
        var newHash: String?
        if let hash = user.passwordHash, passwords.hasher.needsRehash(hash) {
            newHash = try await passwords.hash(input.password)
        }
        let (session, token) = newSession(userId: user.id, userAgent: userAgent)
        let event = SecurityEvent(.signIn, actor: user.id, session: session.id, address: address)
        let profile = try await store.signIn(session, rehash: newHash, event: event, eventId: ids.next(), now: now)
        guard let profile else { throw AppError(.unauthorized, "auth.invalidCredentials") }
        return SignedIn(token: token, user: Self.dto(profile.0, profile.1))
    }

    /// Writes security events that stand alone (nothing else changed).
    func record(_ events: SecurityEvent...) async throws {
        try await store.record(events.map { ($0, ids.next()) }, now: clock.now)
    }

    /// A new session row and its secret token; only the token's hash is stored.
    func newSession(userId: String, userAgent: String?) -> (SessionRecord, String) {
        let token = Secrets.newToken()
        let now = clock.now.millis
        let record = SessionRecord(
            id: ids.next(), tokenHash: Secrets.hash(token), userId: userId, createdAt: now, lastUsedAt: now,
            expiresAt: (clock.now + lifetime).millis, userAgent: userAgent.map { String($0.prefix(200)) })
        return (record, token)
    }

    /// The session behind a token, or nil when it is unknown, idle too long or past its lifetime.
    func authenticate(token: String) async throws -> SessionUser? {
        guard token.count >= 32, token.count <= 128 else { return nil }
        guard let session = try await store.session(tokenHash: Secrets.hash(token)) else { return nil }
        let now = clock.now
        if session.expiresAt <= now.millis || Date(millis: session.lastUsedAt) + idleTimeout <= now {
            let ended = try await store.deleteSessions(.one(session.id, userId: session.userId), event: nil, now: now)
            sessionEvents.publish(ended)
            return nil
        }
        if now.timeIntervalSince(Date(millis: session.lastUsedAt)) >= Self.touchInterval {
            try await store.touch(sessionId: session.id, now: now)
        }
        guard let (user, rows) = try await store.profile(userId: session.userId) else { return nil }
        var roles: [String: Set<Role>] = [:]
        for row in rows { if let role = Role(rawValue: row.role) { roles[row.organizationId, default: []].insert(role) } }
        return SessionUser(
            userId: user.id, sessionId: session.id, isPlatformAdmin: user.isPlatformAdmin,
            language: Language(rawValue: user.language) ?? .fi, roles: roles)
    }

    func logout(_ caller: SessionUser, address: String?) async throws {
        let event = SecurityEvent(.signOut, actor: caller.userId, session: caller.sessionId, address: address)
        try await endSessions(.one(caller.sessionId, userId: caller.userId), event: event)
    }

    func logoutEverywhere(_ caller: SessionUser, address: String?) async throws {
        let event = SecurityEvent(.signOutEverywhere, actor: caller.userId, session: caller.sessionId, address: address)
        try await endSessions(.allOf(caller.userId, except: nil), event: event)
    }

    /// Deletes sessions with their event in one transaction, then tells the realtime layer.
    @discardableResult
    private func endSessions(_ which: AuthStore.Sessions, event: SecurityEvent?) async throws -> [SessionEvents.Ended] {
        let ended = try await store.deleteSessions(which, event: event.map { ($0, ids.next()) }, now: clock.now)
        sessionEvents.publish(ended)
        return ended
    }

    /// Counts activity that did not come as an HTTP request (a socket's frames) as use of the session,
    /// so a conversation held over the socket alone does not end at the idle timeout. The caller
    /// calls at most once per `touchInterval`.
    func keepAlive(sessionId: String) async {
        try? await store.touch(sessionId: sessionId, now: clock.now)
    }

    /// Deletes sessions past their lifetime or idle timeout (the sweeper calls it), and says so.
    func sweepExpiredSessions() async throws -> Int {
        let now = clock.now
        let ended = try await store.deleteSessions(.expired(now: now, idleBefore: now - idleTimeout), event: nil, now: now)
        sessionEvents.publish(ended)
        return ended.count
    }

    /// A platform admin removes an account; its sessions end at once. Nobody removes themselves
    /// here, and an organisation's last admin stays until another admin is named.
    func removeUser(_ userId: String, by caller: SessionUser?, address: String?) async throws {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        if userId == caller.userId { throw AppError(.conflict, "user.removeSelf") }
        let event = SecurityEvent(.userRemoved, actor: caller.userId, subject: userId, address: address)
        switch try await store.removeUser(userId, event: (event, ids.next()), now: clock.now) {
        case .removed(let ended): sessionEvents.publish(ended)
        case .notFound: throw AppError.notFound("user.notFound")
        case .lastAdmin: throw AppError(.conflict, "member.lastAdmin")
        }
    }

    // MARK: Own account

    func profile(_ userId: String) async throws -> UserDTO {
        guard let (user, rows) = try await store.profile(userId: userId) else { throw AppError.authRequired }
        return Self.dto(user, rows)
    }

    static func dto(_ user: UserRecord, _ rows: [MembershipRow]) -> UserDTO {
        var order: [String] = []
        var byOrg: [String: (LocalText, [Role])] = [:]
        for row in rows {
            guard let role = Role(rawValue: row.role) else { continue }
            if byOrg[row.organizationId] == nil {
                order.append(row.organizationId)
                byOrg[row.organizationId] = (LocalText(fi: row.nameFi, sv: row.nameSv, en: row.nameEn), [])
            }
            byOrg[row.organizationId]?.1.append(role)
        }
        let memberships = order.compactMap { id in
            byOrg[id].map { MembershipDTO(organizationId: id, organizationName: $0.0, roles: $0.1.sorted()) }
        }
        return UserDTO(
            id: user.id, email: user.email, displayName: user.displayName, language: Language(rawValue: user.language) ?? .fi,
            isPlatformAdmin: user.isPlatformAdmin, isClient: memberships.isEmpty && !user.isPlatformAdmin,
            memberships: memberships)
    }

    func updateMe(_ caller: SessionUser, _ input: UpdateMeInput) async throws -> UserDTO {
        try Input.check(input.displayName.map { Input.nameErrors($0, field: "displayName") } ?? [])
        try await store.update(
            userId: caller.userId, displayName: input.displayName?.trimmingCharacters(in: .whitespacesAndNewlines),
            language: input.language, now: clock.now)
        return try await profile(caller.userId)
    }

    /// Changes the password, ends every other session of the user and voids open reset links.
    func changePassword(_ caller: SessionUser, _ input: ChangePasswordInput, address: String?) async throws {
        try Input.check(Input.passwordErrors(input.newPassword, field: "newPassword"))
        guard let user = try await store.user(id: caller.userId) else { throw AppError.authRequired }
        try await checkPassword(input.currentPassword, of: user, address: address) {
            AppError(.forbidden, "auth.wrongPassword", errors: [FieldError("currentPassword", "auth.wrongPassword")])
        }
        let hash = try await passwords.hash(input.newPassword)
        let event = SecurityEvent(.passwordChanged, actor: caller.userId, session: caller.sessionId, address: address)
        let ended = try await store.setPassword(
            userId: caller.userId, hash: hash, keepSession: caller.sessionId, event: (event, ids.next()), now: clock.now)
        sessionEvents.publish(ended)
    }

    /// Verifies the password of a known account, under the same back-off as sign-in: the attempt is
    /// counted before Argon2 runs.
    func checkPassword(_ password: String, of user: UserRecord, address: String?, failure: () -> AppError) async throws {
        let key = Self.accountKey(user.emailNormalized)
        do {
            try throttle.take([(key, Self.accountLimits)], now: clock.now)
        } catch {
            if error.first { try await record(SecurityEvent(.throttled, subject: user.id, address: address, detail: "password")) }
            throw error.appError
        }
        guard try await passwords.verify(password, encoded: user.passwordHash) else {
            try await record(SecurityEvent(.signInFailed, subject: user.id, address: address, detail: "password"))
            throw failure()
        }
        throttle.clear(key)
    }

    func sessions(_ caller: SessionUser, page: PageRequest) async throws -> Page<SessionDTO> {
        let rows = try await store.sessions(userId: caller.userId, page: page)
        return Page(
            rows.map {
                SessionDTO(
                    id: $0.id, createdAt: Date(millis: $0.createdAt), lastUsedAt: Date(millis: $0.lastUsedAt),
                    expiresAt: Date(millis: min($0.expiresAt, (Date(millis: $0.lastUsedAt) + idleTimeout).millis)),
                    userAgent: $0.userAgent, current: $0.id == caller.sessionId)
            }, page)
    }

    func revokeSession(_ caller: SessionUser, id: String, address: String?) async throws {
        let event = SecurityEvent(.sessionRevoked, actor: caller.userId, session: id, address: address)
        guard try await !endSessions(.one(id, userId: caller.userId), event: event).isEmpty else {
            throw AppError.notFound("session.notFound")
        }
    }

    // MARK: Password reset

    /// Always succeeds from the outside, and takes the same time whether the account exists or not:
    /// after the rate limits the request is stored as a job (one insert either way), and the job looks
    /// the account up and sends the link (`PasswordResetRequests`). 202 means it is on disk.
    func requestReset(_ input: PasswordResetRequestInput, address: String) async throws {
        try Input.check(Input.emailErrors(input.email))
        let email = Input.normalizeEmail(input.email)
        let now = clock.now
        do {
            try throttle.take(
                [("reset:" + Secrets.hash(email), Self.resetLimits), ("reset-address:" + address, Self.resetAddressLimits)], now: now)
        } catch {
            throw error.appError
        }
        try await store.enqueueResetRequest(PasswordResetRequest(email: email), key: ids.next(), now: now)
        mailWakeup.signal()
    }

    /// The reset-request job: when the account exists, a reset link and its mail, written together.
    /// Run again after a crash, it finds its reset row (keyed by the job) and sends nothing more.
    func sendResetLink(_ request: PasswordResetRequest, key: String, at now: Date) async throws {
        guard let user = try await store.user(emailNormalized: request.email) else { return }
        let token = Secrets.newToken()
        let reset = PasswordResetRecord(
            id: key, tokenHash: Secrets.hash(token), userId: user.id, createdAt: now.millis,
            expiresAt: (now + Self.resetValidity).millis, usedAt: nil)
        let text = MailTexts.passwordReset(Language(rawValue: user.language) ?? .fi, link: "\(baseURL)/reset-password#token=\(token)")
        let mail = OutgoingMail(id: ids.next(), recipient: user.email, subject: text.subject, body: text.body, createdAt: now)
        if try await store.createReset(reset, mail: mail) { mailWakeup.signal() }
    }

    /// The token is looked up (a cheap read, under a per-address limit) before the new password is
    /// hashed, so made-up tokens cost no Argon2.
    func confirmReset(_ input: PasswordResetConfirmInput, address: String) async throws {
        try Input.check(Input.passwordErrors(input.newPassword, field: "newPassword"))
        do {
            try throttle.take([("reset-confirm-address:" + address, Self.resetConfirmLimits)], now: clock.now)
        } catch {
            if error.first { try await record(SecurityEvent(.throttled, address: address, detail: "passwordReset")) }
            throw error.appError
        }
        let tokenHash = Secrets.hash(input.token)
        try Self.check(try await store.reset(tokenHash: tokenHash), now: clock.now)
        let hash = try await passwords.hash(input.newPassword)
        let outcome = try await store.useReset(
            tokenHash: tokenHash, passwordHash: hash, event: (SecurityEvent(.passwordReset, address: address), ids.next()), now: clock.now)
        switch outcome {
        case .done(let ended): sessionEvents.publish(ended)
        case .invalid: throw AppError(.badRequest, "token.invalid")
        case .expired: throw AppError(.gone, "token.expired")
        }
    }

    /// 400 for an unknown or used link, 410 for an expired one.
    static func check(_ reset: PasswordResetRecord?, now: Date) throws {
        guard let reset, reset.usedAt == nil else { throw AppError(.badRequest, "token.invalid") }
        if reset.expiresAt <= now.millis { throw AppError(.gone, "token.expired") }
    }
}

/// A password-reset request as its job stores it (the payload is emptied when the job is done).
struct PasswordResetRequest: Codable, Sendable {
    let email: String
}

/// The job kind that answers reset requests off the request path.
struct PasswordResetRequests: JobHandler {
    static let kind = "passwordResetRequest"
    let auth: AuthService
    var kind: String { Self.kind }

    func perform(_ job: Job) async throws {
        try await auth.sendResetLink(try job.input(as: PasswordResetRequest.self), key: job.key, at: auth.clock.now)
    }
}
