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

    static let accountLimits = LoginThrottle.Limits(free: 5)
    static let addressLimits = LoginThrottle.Limits(free: 30)
    static let resetLimits = LoginThrottle.Limits(free: 3, window: 3600)
    static let resetValidity: TimeInterval = 3600
    /// A session's last-use time is written at most this often.
    static let touchInterval: TimeInterval = 60

    struct SignedIn: Sendable {
        let token: String
        let user: UserDTO
    }

    // MARK: Sign-in

    func login(_ input: LoginInput, address: String, userAgent: String?) async throws -> SignedIn {
        try Input.check(
            (input.email.isEmpty ? [FieldError("email", "field.required")] : [])
                + (input.password.isEmpty ? [FieldError("password", "field.required")] : []))
        let email = Input.normalizeEmail(input.email)
        let accountKey = "login:" + Secrets.hash(email)
        let addressKey = "login-address:" + address
        let now = clock.now
        let waits = [
            throttle.retryAfter(accountKey, limits: Self.accountLimits, now: now),
            throttle.retryAfter(addressKey, limits: Self.addressLimits, now: now),
        ].compactMap { $0 }
        if let wait = waits.max() { throw AppError(.tooManyRequests, "auth.rateLimited", retryAfter: wait) }

        let user = try await store.user(emailNormalized: email)
        let ok =
            input.password.utf8.count <= Input.maxPassword * 4
            ? try await passwords.verify(input.password, encoded: user?.passwordHash) : false
        guard ok, let user else {
            throttle.recordFailure(accountKey, limits: Self.accountLimits, now: now)
            throttle.recordFailure(addressKey, limits: Self.addressLimits, now: now)
            throw AppError(.unauthorized, "auth.invalidCredentials")
        }
        throttle.clear(accountKey)
        if let hash = user.passwordHash, passwords.hasher.needsRehash(hash) {
            let newHash = try await passwords.hash(input.password)
            try await store.replaceHash(userId: user.id, hash: newHash)
        }
        let (session, token) = newSession(userId: user.id, userAgent: userAgent)
        try await store.insert(session)
        return SignedIn(token: token, user: try await profile(user.id))
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
            _ = try await store.deleteSession(id: session.id, userId: session.userId)
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

    func logout(_ caller: SessionUser) async throws {
        _ = try await store.deleteSession(id: caller.sessionId, userId: caller.userId)
    }

    func logoutEverywhere(_ caller: SessionUser) async throws {
        try await store.deleteSessions(userId: caller.userId)
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

    /// Changes the password and ends every other session of the user.
    func changePassword(_ caller: SessionUser, _ input: ChangePasswordInput) async throws {
        try Input.check(Input.passwordErrors(input.newPassword, field: "newPassword"))
        guard let user = try await store.user(id: caller.userId) else { throw AppError.authRequired }
        try await checkPassword(input.currentPassword, of: user) {
            AppError(.forbidden, "auth.wrongPassword", errors: [FieldError("currentPassword", "auth.wrongPassword")])
        }
        let hash = try await passwords.hash(input.newPassword)
        try await store.setPassword(userId: caller.userId, hash: hash, keepSession: caller.sessionId, now: clock.now)
    }

    /// Verifies the password of a known account, under the same back-off as sign-in.
    func checkPassword(_ password: String, of user: UserRecord, failure: () -> AppError) async throws {
        let key = "login:" + Secrets.hash(user.emailNormalized)
        let now = clock.now
        if let wait = throttle.retryAfter(key, limits: Self.accountLimits, now: now) {
            throw AppError(.tooManyRequests, "auth.rateLimited", retryAfter: wait)
        }
        guard try await passwords.verify(password, encoded: user.passwordHash) else {
            throttle.recordFailure(key, limits: Self.accountLimits, now: now)
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

    func revokeSession(_ caller: SessionUser, id: String) async throws {
        guard try await store.deleteSession(id: id, userId: caller.userId) else { throw AppError.notFound("session.notFound") }
    }

    // MARK: Password reset

    /// Always succeeds from the outside; a mail goes out only when the account exists.
    func requestReset(_ input: PasswordResetRequestInput, address: String) async throws {
        try Input.check(Input.emailErrors(input.email))
        let email = Input.normalizeEmail(input.email)
        let now = clock.now
        let keys = ["reset:" + Secrets.hash(email), "reset-address:" + address]
        let limits = [Self.resetLimits, LoginThrottle.Limits(free: 20, window: 3600)]
        for (key, limit) in zip(keys, limits) {
            if let wait = throttle.retryAfter(key, limits: limit, now: now) {
                throw AppError(.tooManyRequests, "auth.rateLimited", retryAfter: wait)
            }
        }
        for (key, limit) in zip(keys, limits) { throttle.recordFailure(key, limits: limit, now: now) }
        guard let user = try await store.user(emailNormalized: email) else { return }
        let token = Secrets.newToken()
        let reset = PasswordResetRecord(
            id: ids.next(), tokenHash: Secrets.hash(token), userId: user.id, createdAt: now.millis,
            expiresAt: (now + Self.resetValidity).millis, usedAt: nil)
        let text = MailTexts.passwordReset(Language(rawValue: user.language) ?? .fi, link: "\(baseURL)/reset-password#token=\(token)")
        let mail = OutgoingMail(id: ids.next(), recipient: user.email, subject: text.subject, body: text.body, createdAt: now)
        try await store.createReset(reset, mail: mail)
        mailWakeup.signal()
    }

    func confirmReset(_ input: PasswordResetConfirmInput) async throws {
        try Input.check(Input.passwordErrors(input.newPassword, field: "newPassword"))
        let hash = try await passwords.hash(input.newPassword)
        switch try await store.useReset(tokenHash: Secrets.hash(input.token), passwordHash: hash, now: clock.now) {
        case .done: return
        case .invalid: throw AppError(.badRequest, "token.invalid")
        case .expired: throw AppError(.gone, "token.expired")
        }
    }
}
