import Foundation

/// Unbuffered writes to standard output and standard error, so progress lines, results
/// and errors appear in the order they were written. Live lines (rewritten in place with a carriage
/// return) are written only to a terminal; piped output gets plain lines or nothing.
enum Console {
    /// Whether standard output is a terminal.
    static let outputIsTerminal = isatty(STDOUT_FILENO) != 0
    /// Whether standard error is a terminal.
    static let errorIsTerminal = isatty(STDERR_FILENO) != 0

    /// Writes `text` and a newline to standard output.
    static func line(_ text: String = "") {
        write(text + "\n")
    }

    /// Writes `text` to standard output as is.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// On a terminal, rewrites the current line of standard output with `text` (carriage return, no
    /// newline); piped, writes `text` as a line of its own, and nothing when it is empty.
    static func status(_ text: String) {
        if outputIsTerminal {
            write("\r\u{1B}[2K" + text)
        } else if !text.isEmpty {
            line(text)
        }
    }

    /// On a terminal, rewrites the current line of standard error with `text`; piped, writes nothing
    /// (progress is for people watching, not for logs).
    static func progress(_ text: String) {
        guard errorIsTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
