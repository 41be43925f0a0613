/// A document generated from the policy in German or in English: every language other than German
/// gets the English text.
protocol BilingualDocument {
    var language: String { get }
}

extension BilingualDocument {
    var de: Bool { language == "de" }

    /// The German or the English wording, by the document's language.
    func t(_ german: String, _ english: String) -> String { de ? german : english }

    /// The language the document is written in when `asked` is asked for.
    static func writtenLanguage(_ asked: String) -> String { asked == "de" ? "de" : "en" }
}
