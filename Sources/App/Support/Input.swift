import Foundation

/// Rules for input that several features share: e-mail addresses, passwords, names.
enum Input {
    static let maxEmail = 254, minPassword = 10, maxPassword = 256, maxName = 100

    /// Trimmed and lower-cased: the key e-mail addresses are unique by.
    static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func emailErrors(_ email: String, field: String = "email") -> [FieldError] {
        let e = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if e.isEmpty { return [FieldError(field, "field.required")] }
        if e.count > maxEmail { return [FieldError(field, "field.tooLong")] }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !e.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { return [FieldError(field, "field.invalidEmail")] }
        return []
    }

    static func passwordErrors(_ password: String, field: String) -> [FieldError] {
        if password.count < minPassword { return [FieldError(field, "field.passwordTooShort")] }
        if password.utf8.count > maxPassword * 4 || password.count > maxPassword { return [FieldError(field, "field.passwordTooLong")] }
        return []
    }

    static func nameErrors(_ name: String, field: String) -> [FieldError] {
        let n = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if n.isEmpty { return [FieldError(field, "field.required")] }
        if n.count > maxName { return [FieldError(field, "field.tooLong")] }
        if n.contains(where: { $0.isNewline }) { return [FieldError(field, "field.invalidValue")] }
        return []
    }

    /// An ISO-8601 time with an offset or `Z` (`2027-03-28T09:30:00+03:00`), fractional seconds
    /// allowed, within the years 2000–2999; anything else is an error on `field`.
    static func timestamp(_ text: String, field: String, errors: inout [FieldError]) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var date = text.count <= 40 ? formatter.date(from: text) : nil
        if date == nil, text.count <= 40 {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = formatter.date(from: text)
        }
        guard let date, (946_684_800.0..<32_503_680_000.0).contains(date.timeIntervalSince1970) else {
            errors.append(FieldError(field, "field.invalidTime"))
            return nil
        }
        return date
    }

    static func check(_ errors: [FieldError]) throws {
        if !errors.isEmpty { throw AppError.validation(errors) }
    }
}
