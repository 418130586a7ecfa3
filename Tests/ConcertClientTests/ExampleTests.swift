import ConcertTesting
import Foundation
import Testing

@Suite("The README's Swift client example")
struct ExampleTests {
    /// The package's root folder.
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The example program's source.
    private static let exampleSource = root.appendingPathComponent("Examples/first-purchase/main.swift")

    /// The Swift code block of the README's "## The Swift client" section that starts with `import ConcertClient`.
    private static func readmeExample() throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "\n## The Swift client\n"))
        let fence = "```swift\n"
        let start = try #require(readme.range(of: fence + "import ConcertClient", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```\n", range: start.upperBound..<readme.endIndex))
        return String(readme[readme.index(start.lowerBound, offsetBy: fence.count)..<end.lowerBound])
    }

    /// The built `concert-example` next to the test bundle (the build products folder), or nil.
    private static let executable: URL? = {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return folders.map { $0.appendingPathComponent("concert-example") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    @Test("The README's code block is the example program, character for character")
    func readmeMatchesExample() throws {
        let example = try String(contentsOf: Self.exampleSource, encoding: .utf8)
        #expect(try Self.readmeExample() == example.trimmingCharacters(in: .newlines))
    }

    @Test("The built example buys a seat, and a second run against the same server buys another")
    func exampleRunsTwice() async throws {
        let executable = try #require(Self.executable, "build it with `swift build --build-tests`")
        try await withLiveServer { server in
            var seats: [String] = []
            for run in 1...2 {
                let output = server.directory.appendingPathComponent("example-\(run).out").path
                let errors = server.directory.appendingPathComponent("example-\(run).err").path
                let child = try ChildProcess([executable.path, "127.0.0.1", "\(server.port)"], output: output, errors: errors)
                let status = await child.waitForExit(seconds: 60)
                let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                let complaint = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
                #expect(status == 0, "run \(run): \(printed)\(complaint)")
                let line = try #require(printed.split(separator: "\n").last { $0.contains("is yours") }, "run \(run): \(printed)")
                seats.append(String(line.split(separator: " ")[1]))
            }
            #expect(seats.count == 2 && seats[0] != seats[1], "the second run bought another seat: \(seats)")
        }
    }
}
