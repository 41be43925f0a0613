import Foundation

/// Progress of long work (re-sealing, purging, re-indexing): on a terminal a line that updates in place on stderr; piped, silent.
struct ProgressReporter: Sendable {
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
