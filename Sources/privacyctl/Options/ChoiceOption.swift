import ArgumentParser

/// A string option whose value must be the raw value of one case of `Value` (a request type, an
/// outcome, how an identity was checked): parsed in `validate()`, so bad usage exits 2 before any
/// work, with the message naming every value that is allowed.
func choice<Value: RawRepresentable & CaseIterable>(_ raw: String, of option: String, _ problem: String = "is not known")
    throws -> Value where Value.RawValue == String {
    guard let value = Value(rawValue: raw) else {
        throw ValidationError("\(option) \(raw) \(problem); use one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
