/// A `Decoder` over a body that ``StrictJSON`` has parsed: the body's `Decodable` type reads it
/// directly, without Foundation's `JSONDecoder` scanning the bytes a second time (that cost 6 % of a
/// consent request's CPU). It throws the `DecodingError`s `JSONDecoder` throws (type mismatch,
/// `null` for a value, missing key, with the coding path), so ``RequestDecoding`` names the same
/// field with the same message.
struct StrictJSONDecoder: Decoder {
    let value: StrictJSON.Value
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from object: [String: StrictJSON.Value]) throws -> T {
        try T(from: StrictJSONDecoder(value: .object(object), codingPath: []))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: Any].self, value, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else { throw mismatch([Any].self, value, codingPath) }
        return Unkeyed(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, codingPath: codingPath) }
}

/// What `JSONDecoder` throws for a value of the wrong type, or for `null` where a value is needed.
private func mismatch(_ type: Any.Type, _ value: StrictJSON.Value, _ path: [any CodingKey]) -> DecodingError {
    if case .null = value {
        return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found null instead."))
    }
    return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found another type."))
}

/// One value as a Swift type: strings, booleans and numbers (from their text, exactly or not at all).
private func scalar<T>(_ type: T.Type, _ value: StrictJSON.Value, _ path: [any CodingKey]) throws -> T {
    switch value {
    case .string(let s) where T.self == String.self: return s as! T
    case .bool(let b) where T.self == Bool.self: return b as! T
    case .number(let text):
        let converted: Any?? = switch type {
        case is Int.Type: .some(Int(text))
        case is Int8.Type: .some(Int8(text))
        case is Int16.Type: .some(Int16(text))
        case is Int32.Type: .some(Int32(text))
        case is Int64.Type: .some(Int64(text))
        case is UInt.Type: .some(UInt(text))
        case is UInt8.Type: .some(UInt8(text))
        case is UInt16.Type: .some(UInt16(text))
        case is UInt32.Type: .some(UInt32(text))
        case is UInt64.Type: .some(UInt64(text))
        case is Double.Type: .some(Double(text).flatMap { $0.isFinite ? $0 : nil })
        case is Float.Type: .some(Float(text).flatMap { $0.isFinite ? $0 : nil })
        default: .none   // not a number type
        }
        guard let converted else { throw mismatch(type, value, path) }
        guard let number = converted else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Number \(text) does not fit in \(type)."))
        }
        return number as! T
    default:
        throw mismatch(type, value, path)
    }
}

private func decodeValue<T: Decodable>(_ type: T.Type, _ value: StrictJSON.Value, _ path: [any CodingKey]) throws -> T {
    switch type {
    case is String.Type, is Bool.Type, is Int.Type, is Double.Type: return try scalar(type, value, path)
    case let dictionary as any StringKeyedDictionary.Type: return try dictionary.decodeStrict(value, path) as! T
    default: return try T(from: StrictJSONDecoder(value: value, codingPath: path))
    }
}

/// `[String: V]`, which `JSONDecoder` reads as a whole: a `null` element is a type mismatch there
/// ("must be a boolean"), not a missing value, and so it is here.
private protocol StringKeyedDictionary {
    static func decodeStrict(_ value: StrictJSON.Value, _ path: [any CodingKey]) throws -> Self
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    fileprivate static func decodeStrict(_ value: StrictJSON.Value, _ path: [any CodingKey]) throws -> Self {
        guard case .object(let object) = value else { throw mismatch([String: Any].self, value, path) }
        var out: [String: Value] = [:]
        out.reserveCapacity(object.count)
        for (key, element) in object {
            let elementPath = path + [Name(key)]
            if case .null = element {
                throw DecodingError.typeMismatch(Value.self, .init(codingPath: elementPath, debugDescription: "Expected \(Value.self) but found null."))
            }
            out[key] = try decodeValue(Value.self, element, elementPath)
        }
        return out
    }
}

/// A dictionary key's place in the coding path.
private struct Name: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: StrictJSON.Value]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func member(_ key: Key) throws -> StrictJSON.Value {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(type, member(key), codingPath + [key]) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decodeValue(type, member(key), codingPath + [key]) }

    // Absent and `null` are `nil`, as for `JSONDecoder`; one lookup instead of the default's three.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(type, key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(type, key) }

    private func present<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        try presentValue(type, object, key, codingPath)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try StrictJSONDecoder(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try StrictJSONDecoder(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { StrictJSONDecoder(value: .object(object), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        StrictJSONDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

/// An array element's place in the coding path, as `JSONDecoder` names it ("items.3").
private struct Index: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let array: [StrictJSON.Value]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [StrictJSON.Value], codingPath: [any CodingKey]) {
        self.array = array
        self.codingPath = codingPath
    }

    private mutating func next(_ type: Any.Type) throws -> (StrictJSON.Value, [any CodingKey]) {
        let path = codingPath + [Index(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end."))
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .null = array[currentIndex] { currentIndex += 1; return true }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next(type)
        return try decodeValue(type, value, path)
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: String.Type) throws -> String { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Double.Type) throws -> Double { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Float.Type) throws -> Float { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Int.Type) throws -> Int { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, p) = try next(type); return try scalar(type, v, p) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, p) = try next(type); return try scalar(type, v, p) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next([String: Any].self)
        return try StrictJSONDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next([Any].self)
        return try StrictJSONDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next(Any.self)
        return StrictJSONDecoder(value: value, codingPath: path)
    }
}

private struct Single: SingleValueDecodingContainer {
    let value: StrictJSON.Value
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, value, codingPath) }
    func decode(_ type: Bool.Type) throws -> Bool { try scalar(type, value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try scalar(type, value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try scalar(type, value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(type, value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type, value, codingPath) }
}

/// A body that reads its members straight from the parsed object, without the `Decoder` protocol's
/// generic machinery (the consent and contact routes, issue 16). It must answer exactly as its
/// `Decodable` conformance does through ``StrictJSONDecoder`` — the same value, or the same
/// `DecodingError` for the first member that is wrong, in the order of its `CodingKeys` —, which
/// `StrictJSONDecoderTests` holds it to over fixed and random bodies.
protocol StrictJSONBody: Decodable {
    init(strict object: [String: StrictJSON.Value]) throws
}

/// A member as `decodeIfPresent` reads it: absent and `null` are `nil`.
private func presentValue<T: Decodable>(_ type: T.Type, _ object: [String: StrictJSON.Value], _ key: any CodingKey,
                                        _ path: [any CodingKey]) throws -> T? {
    guard let value = object[key.stringValue] else { return nil }
    if case .null = value { return nil }
    return try decodeValue(type, value, path + [key])
}

/// What a ``StrictJSONBody`` reads its members with: the member types the bodies have (`String?`,
/// `Bool?`, `[String: Bool]?`), read without the generic path's casts and coding paths when the
/// value is what the type wants; anything else (a wrong type, a null inside the object) goes
/// through the decoder's own `decodeIfPresent` path, which names it exactly as the decoder does.
/// (The generic path was 4 % of a consent request.)
enum StrictMember {
    static func text(_ object: [String: StrictJSON.Value], _ key: some CodingKey) throws -> String? {
        switch object[key.stringValue] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: return try presentValue(String.self, object, key, [])
        }
    }

    static func flag(_ object: [String: StrictJSON.Value], _ key: some CodingKey) throws -> Bool? {
        switch object[key.stringValue] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: return try presentValue(Bool.self, object, key, [])
        }
    }

    static func flags(_ object: [String: StrictJSON.Value], _ key: some CodingKey) throws -> [String: Bool]? {
        switch object[key.stringValue] {
        case nil, .null?: return nil
        case .object(let members)?:
            var flags = [String: Bool](minimumCapacity: members.count)
            for (name, member) in members {
                guard case .bool(let flag) = member else { return try presentValue([String: Bool].self, object, key, []) }
                flags[name] = flag
            }
            return flags
        default: return try presentValue([String: Bool].self, object, key, [])
        }
    }
}
