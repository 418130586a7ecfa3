import Foundation

/// Where a `--data` value comes from: the text itself, `@FILE` for a file's contents, or `@-` for
/// standard input (as curl and grpcurl read it).
enum RequestText {
    /// The JSON text `argument` stands for.
    static func read(_ argument: String) throws(ProbeFailure) -> String {
        guard argument.hasPrefix("@") else { return argument }
        let source = String(argument.dropFirst())
        let data: Data?
        if source == "-" {
            data = (try? FileHandle.standardInput.readToEnd()) ?? Data()
        } else {
            data = FileManager.default.contents(atPath: source)
        }
        guard let data else {
            throw .badInput("cannot read the file \(source)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .badInput("\(source == "-" ? "standard input" : source) is not UTF-8 text")
        }
        return text
    }
}
