import Vault

extension BlindIndex {
    /// The `email_index` of a contact request: the address's blind index, or, for a request that
    /// gave a phone number only (contract v1.1), a keyed value of its reference, so that no address
    /// lookup finds it and the column still says nothing about the person.
    func contactIndex(email: String?, reference: String) -> [UInt8] {
        email.map { value(forEmail: $0) } ?? value(for: "no-email:" + reference)
    }
}
