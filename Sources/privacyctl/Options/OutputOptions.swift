import ArgumentParser

/// `--json` for reading commands: JSON on stdout only.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON on stdout (for scripts) instead of a table.")
    var json = false
}
