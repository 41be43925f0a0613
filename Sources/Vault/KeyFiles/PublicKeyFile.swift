import CSodium
import Foundation

/// `vault.pub`: a small text file an operator can read.
enum PublicKeyFile {
    static let header = "# privacy engine vault: public key and blind-index key (format 1)"

    static func encode(publicKey: VaultPublicKey, indexKey: IndexKey) -> [UInt8] {
        let index = indexKey.key.withUnsafeBytes { Data($0).base64EncodedString() }
        let text = """
        \(header)
        key-id: \(publicKey.id.hex)
        public-key: \(Data(publicKey.bytes).base64EncodedString())
        index-key: \(index)

        """
        return Array(text.utf8)
    }

    static func decode(_ bytes: inout [UInt8], path: String) throws -> (VaultPublicKey, IndexKey) {
        defer { sodium_memzero(&bytes, bytes.count) }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let pkText = fields["public-key"], let pkData = Data(base64Encoded: pkText) else {
            throw VaultError.malformed("public key file \(path): no public-key line")
        }
        guard let indexText = fields["index-key"], let indexData = Data(base64Encoded: indexText) else {
            throw VaultError.malformed("public key file \(path): no index-key line")
        }
        let publicKey = try VaultPublicKey(bytes: [UInt8](pkData))
        if let id = fields["key-id"], id != publicKey.id.hex {
            throw VaultError.malformed("public key file \(path): key-id does not match the key")
        }
        var indexBytes = [UInt8](indexData)
        return (publicKey, try IndexKey(wiping: &indexBytes))
    }
}
