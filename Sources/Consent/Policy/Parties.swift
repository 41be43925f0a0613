import Foundation

/// The data protection officer (Art. 37–39): named or by function, reachable by post and e-mail (Art. 13(1)(b)).
public struct DataProtectionOfficer: Sendable {
    public var name: String
    public var address: String
    public var email: String
    public var phone: String?
}

/// Someone who processes on the controller's behalf (Art. 28), e.g. the agency running the office.
public struct Processor: Sendable {
    public var name: String
    public var address: String
    /// e.g. "Auftragsverarbeiter nach Art. 28 DSGVO (Betrieb des Stadtteilbüros und der Website)".
    public var role: LocalizedText
}

/// A joint controller for part of a processing (Art. 26), e.g. the provider of an embed for the
/// collection and transmission of data when it loads (CJEU C-40/17, Fashion ID).
public struct JointController: Sendable {
    public var name: String
    public var address: String
    /// What the joint responsibility covers, and where the essence of the arrangement is (Art. 26(2)).
    public var scope: LocalizedText
}

/// A transfer to a third country (Art. 13(1)(f), 44–49) and the safeguard it rests on.
public struct ThirdCountryTransfer: Sendable {
    public var country: String
    /// e.g. "Angemessenheitsbeschluss (EU) 2023/1795 (EU-US Data Privacy Framework)".
    public var safeguard: LocalizedText
}

/// What the notice and the record of processing activities say about one processing besides its
/// basis: who gets the data, where it goes, whose data and which (Art. 13(1)(e)–(f), 13(2)(e), 30(1)(c)–(e)).
public struct Disclosure: Sendable {
    public var recipients: [LocalizedText] = []
    public var transfers: [ThirdCountryTransfer] = []
    public var jointControllers: [JointController] = []
    /// The categories of personal data (Art. 30(1)(c)).
    public var data: LocalizedText?
    /// The categories of data subjects (Art. 30(1)(c)).
    public var subjects: LocalizedText?
    /// Whether giving the data is required, and what happens without it (Art. 13(2)(e)).
    public var provision: LocalizedText?

    public init() {}
}
