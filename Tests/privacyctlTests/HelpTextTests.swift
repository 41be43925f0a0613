import Foundation
import Testing

/// The `--help` texts: ArgumentParser wraps paragraphs to the terminal itself, so a hard line break
/// inside a sentence makes every long line break twice. The tree comes from ArgumentParser's own
/// serialisation of `Privacyctl.configuration` and its subcommands, recursively
/// (`--experimental-dump-help`), so a new subcommand is checked without being listed here.
@Suite("Help texts: paragraphs that ArgumentParser wraps, examples on their own lines")
struct HelpTextTests {
    /// One text of the tree: where it is (command path and field) and what it says.
    struct Text: CustomStringConvertible {
        var place: String
        var text: String
        var description: String { place }
    }

    /// Every abstract and discussion of every command, option and argument.
    static func texts() throws -> [Text] { try tree().texts }

    /// The dumped tree: every text, and every command's path (`[]` is `privacyctl` itself).
    static func tree() throws -> (texts: [Text], paths: [[String]]) {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(["--experimental-dump-help"])
        guard result.status == 0,
              let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let command = root["command"] as? [String: Any] else {
            Issue.record("privacyctl --experimental-dump-help failed: \(result.stderr)")
            return ([], [])
        }
        var found: [Text] = []
        var paths: [[String]] = []
        func walk(_ command: [String: Any], path: String, words: [String]) {
            paths.append(words)
            let path = path.isEmpty ? (command["commandName"] as? String ?? "?") : path + " " + (command["commandName"] as? String ?? "?")
            for field in ["abstract", "discussion"] {
                if let text = command[field] as? String { found.append(Text(place: "\(path) \(field)", text: text)) }
            }
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let name = (argument["names"] as? [[String: Any]])?.first?["name"] as? String ?? argument["valueName"] as? String ?? "?"
                for field in ["abstract", "discussion"] {
                    if let text = argument[field] as? String { found.append(Text(place: "\(path) --\(name) \(field)", text: text)) }
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path: path, words: words + [sub["commandName"] as? String ?? "?"])
            }
        }
        walk(command, path: "", words: [])
        return (found, paths)
    }

    /// The line breaks of `text` that sit inside a sentence: a `\n` that is not followed by another
    /// `\n` (a paragraph break), an example line (indented) or a list item (`- `, `• `, `* `).
    static func breaksInsideSentences(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var found: [String] = []
        for index in lines.indices.dropFirst() {
            let line = lines[index], before = lines[index - 1]
            if line.isEmpty || before.isEmpty { continue }
            if line.hasPrefix("  ") || line.hasPrefix("- ") || line.hasPrefix("• ") || line.hasPrefix("* ") { continue }
            found.append("…\(before.suffix(30))⏎\(line.prefix(30))…")
        }
        return found
    }

    /// Example lines (indented) longer than this are wrapped by ArgumentParser at 80 columns.
    static let exampleWidth = 78

    @Test("the checker finds a hard line break inside a sentence, and accepts paragraphs, examples and lists")
    func checker() {
        // A text as the help was written before: lines broken by hand inside sentences.
        let old = """
            Every command reads --database (PRIVACY_DATABASE, default ./data/privacy.sqlite),
            --policy (PRIVACY_POLICY, default policies/leinefelde-suedstadt.yaml) and --key-dir
            (PRIVACY_KEY_DIR, default ./data/keys).
            """
        #expect(Self.breaksInsideSentences(old).count == 2)
        let good = """
            One paragraph that ArgumentParser wraps by itself, however long it is.

            Examples:
              privacyctl export --email ADDR --out answer.json
              privacyctl erase --email ADDR
            - a list item
            - another one
            """
        #expect(Self.breaksInsideSentences(good).isEmpty)
    }

    @Test("no help text breaks a line inside a sentence")
    func noHardBreaks() throws {
        let texts = try Self.texts()
        #expect(texts.count > 50)
        for text in texts {
            let breaks = Self.breaksInsideSentences(text.text)
            #expect(breaks.isEmpty, "\(text.place): a line break inside a sentence: \(breaks.joined(separator: "; ")); write the paragraph on one line")
        }
    }

    @Test("example lines fit 80 columns, so they are never wrapped")
    func examplesFit() throws {
        for text in try Self.texts() {
            for line in text.text.split(separator: "\n") where line.hasPrefix("  ") {
                #expect(line.count <= Self.exampleWidth, "\(text.place): example line of \(line.count) columns: \(line)")
            }
        }
    }

    @Test("--help of every command fits 80 columns: paragraphs wrapped, examples and usage lines short")
    func rendered() throws {
        let cli = try CLIFixture(initialise: false)
        let paths = try Self.tree().paths
        #expect(paths.count > 40)
        for path in paths {
            let result = cli.run(path + ["--help"], env: ["COLUMNS": "80"])
            #expect(result.status == 0, "\(path)")
            #expect(result.stdout.contains("USAGE:"), "\(path)")
            for line in result.stdout.split(separator: "\n") {
                #expect(line.count <= 80, "privacyctl \(path.joined(separator: " ")) --help: \(line.count) columns: \(line)")
            }
        }
    }
}
