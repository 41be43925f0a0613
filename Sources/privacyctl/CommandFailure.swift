import ArgumentParser
import Consent
import Foundation
import Vault

/// How `privacyctl` ends when something goes wrong: an exit code from the contract and a message
/// that says what was wrong and how to fix it.
struct CommandFailure: Error, CustomStringConvertible {
    enum Code: Int32 {
        case failed = 1
        case usage = 2
        case notFound = 3
        case integrity = 4
    }

    var code: Code
    var message: String
    var description: String { message }

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    enum Outcome {
        case parser
        case failure(Code, String)
    }

    static func outcome(for error: any Error) -> Outcome {
        switch error {
        case let f as CommandFailure: return .failure(f.code, f.message)
        case let e as ConsentError:
            switch e {
            case .invalid, .invalidFields: return .failure(.usage, e.description)
            case .notFound(let what): return .failure(.notFound, "\(what) not found; check the id (it is case-sensitive)")
            case .programmeEnded, .storage: return .failure(.failed, e.description)
            case .integrity: return .failure(.integrity, e.description)
            case .policy: return .failure(.usage, e.description)
            }
        case let e as VaultError:
            switch e {
            case .wrongPassphrase, .authenticationFailed, .keyMismatch, .unsupportedFormat, .malformed:
                return .failure(.integrity, e.description)
            default:
                return .failure(.failed, e.description)
            }
        case let e as PolicyTextsError:
            switch e {
            case .changed: return .failure(.usage, e.description)
            case .notKept: return .failure(.notFound, e.description)
            case .corrupt: return .failure(.integrity, e.description)
            }
        case let e as PolicyError:
            return .failure(.usage, "the policy is not valid:\n" + e.description)
        case let e as ClockSelection.Failure:
            return .failure(.usage, e.description)
        case let e as Retention.Failure:
            return .failure(.usage, e.description)
        case is CleanExit, is ValidationError, is ExitCode:
            return .parser
        default:
            if String(reflecting: type(of: error)).contains("ArgumentParser") { return .parser }
            if "\(type(of: error))" == "DatabaseError" { return .failure(.failed, "database: \(error)") }
            return .failure(.failed, "\(error)")
        }
    }
}
