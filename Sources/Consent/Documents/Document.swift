import Foundation

/// A generated document (privacy notice, record of processing activities) as structure, written
/// out as Markdown or HTML by ``DocumentWriter``. Text is plain: the writers escape it.
public struct Document: Sendable {
    public var language: String
    public var title: String
    public var intro: [Block]
    public var sections: [Section]

    public struct Section: Sendable {
        public var id: String
        public var heading: String
        public var blocks: [Block]
        public var subsections: [Section] = []
        /// Shown apart from everything else (the Art. 21(4) objection notice).
        public var setApart = false
    }

    public enum Block: Sendable {
        case paragraph(String)
        case strong(String)
        case list([String])
        /// Label and value pairs.
        case facts([(label: String, value: String)])
    }
}

/// The formats a document is written in.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case md, html
}

/// Which document.
public enum DocumentKind: String, Sendable, CaseIterable {
    /// The privacy notice (Art. 13 GDPR).
    case notice
    /// The record of processing activities (Art. 30(1) GDPR).
    case ropa
}

extension Policy {
    /// The document of `kind` in `language` (`de` or `en`).
    public func document(_ kind: DocumentKind, language: String) -> Document {
        switch kind {
        case .notice: PrivacyNotice(policy: self, language: language).document()
        case .ropa: ProcessingRecord(policy: self, language: language).document()
        }
    }
}
