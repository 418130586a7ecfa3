import ArgumentParser
import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard error: `time` (ISO 8601, UTC,
/// milliseconds), `level`, `label`, `message`, and the metadata's keys beside them.
struct JSONLogHandler: LogHandler {
    /// The level below which messages are dropped.
    var logLevel: Logger.Level = .info
    /// Metadata added to every message of this logger.
    var metadata: Logger.Metadata = [:]
    private let label: String

    /// A handler for the logger `label`.
    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": Self.timestamp(), "level": event.level.rawValue, "label": label, "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) where object[key] == nil {
            object[key] = Self.json(value)
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        line.append(UInt8(ascii: "\n"))
        Self.output.withLock { _ in FileHandle.standardError.write(line) }
    }

    /// Serialises writes so that lines of different threads never interleave.
    private static let output = Mutex(())

    /// A metadata value as a JSON value: strings, arrays and objects as such, anything else as its text.
    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): "\(convertible)"
        case .array(let values): values.map(json)
        case .dictionary(let entries): entries.mapValues(json)
        }
    }

    /// Now, as `2026-12-01T10:00:00.123Z`.
    private static func timestamp() -> String {
        Date.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// The values of `--log-format`.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// swift-log's text lines.
    case text
    /// One JSON object per line.
    case json
}
