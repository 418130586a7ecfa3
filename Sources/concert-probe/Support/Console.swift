import Foundation

/// Unbuffered writes to standard output and standard error, so progress lines, results
/// and errors appear in the order they were written.
enum Console {
    /// Writes `text` and a newline to standard output.
    static func line(_ text: String = "") {
        write(text + "\n")
    }

    /// Writes `text` to standard output as is.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Rewrites the current line of standard output with `text` (carriage return, no newline).
    static func status(_ text: String) {
        write("\r\u{1B}[2K" + text)
    }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
