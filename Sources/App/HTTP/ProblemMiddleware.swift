import Hummingbird
import Logging
import NIOCore

/// The outermost middleware: every error leaves as problem+json with a stable code, never an empty 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            throw error
        } catch let error as HTTPError {
            throw Self.map(error)
        } catch is NIOTooManyBytesError {
            throw AppError(.contentTooLarge, "request.tooLarge")
        } catch is DecodingError {
            throw AppError.invalidJSON
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            throw AppError.internalError
        }
    }

    static func map(_ error: HTTPError) -> AppError {
        switch error.status {
        case .notFound: return AppError.notFound()
        case .methodNotAllowed: return AppError(.methodNotAllowed, "method.notAllowed")
        case .contentTooLarge: return AppError(.contentTooLarge, "request.tooLarge")
        case .badRequest: return AppError.invalidJSON
        case .unauthorized: return AppError.authRequired
        case .forbidden: return AppError.forbidden
        default:
            return error.status.code >= 500 ? AppError.internalError : AppError(error.status, "request.invalid")
        }
    }
}
