import Foundation

/// Everything `privacyctl` prints goes through here: results on stdout, messages on stderr.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(10)
        FileHandle.standardOutput.write(data)
    }

    static func line(_ text: String = "", terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A plain text table: a header, a rule, rows; columns padded to the widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        line(render(header))
        line(render(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { line(render(row)) }
    }
}

/// Progress for long work: on a terminal a line that updates in place on stderr; piped, silent.
struct Progress: Sendable {
    let enabled: Bool = isatty(STDERR_FILENO) == 1

    func update(_ label: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        let percent = total > 0 ? Int(Double(done) / Double(total) * 100) : 100
        FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) (\(percent) %)\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
