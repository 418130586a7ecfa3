import ArgumentParser
import Foundation

/// Every option and flag of a command, settable as a `CONCERT_*` environment variable: `--max-active 500`
/// is also `CONCERT_MAX_ACTIVE=500`, `--no-demo-catalog` is `CONCERT_DEMO_CATALOG=false`. A flag given on
/// the command line wins over its variable. Variables that name no option of the command are ignored
/// (other tools use the prefix too).
enum EnvironmentArguments {
    /// The prefix of every variable.
    static let prefix = "CONCERT_"

    /// `arguments` with, for each option of `Command` that they do not give and `environment` sets, the
    /// option and its value appended.
    static func completing<Command: ParsableArguments>(
        _ arguments: [String], for command: Command.Type, from environment: [String: String]
    ) -> [String] {
        var completed = arguments
        for option in options(of: command) {
            let given = arguments.contains { argument in
                option.spellings.contains { argument == $0 || argument.hasPrefix($0 + "=") }
            }
            guard !given, let value = environment[option.variable] else { continue }
            if option.isFlag {
                switch value.lowercased() {
                case "1", "true", "yes", "on": completed.append("--\(option.name)")
                case "0", "false", "no", "off": completed.append("--no-\(option.name)")
                default: completed.append("--\(option.name)=\(value)")
                }
            } else {
                completed.append("--\(option.name)=\(value)")
            }
        }
        return completed
    }

    /// One option of a command, as the environment names it.
    struct Option: Equatable {
        /// The long name, `max-active`.
        let name: String
        /// Whether it is an on/off flag (`--x` / `--no-x`).
        let isFlag: Bool

        /// The variable, `CONCERT_MAX_ACTIVE`.
        var variable: String { EnvironmentArguments.prefix + name.uppercased().replacingOccurrences(of: "-", with: "_") }

        /// How the command line may spell it.
        var spellings: [String] { isFlag ? ["--\(name)", "--no-\(name)"] : ["--\(name)"] }
    }

    /// The options of `Command`: its stored `@Option` and `@Flag` properties, named as ArgumentParser names
    /// them by default (camelCase to kebab-case).
    static func options<Command: ParsableArguments>(of command: Command.Type) -> [Option] {
        Mirror(reflecting: Command()).children.compactMap { child in
            guard let label = child.label, label.hasPrefix("_") else { return nil }
            let typeName = String(describing: type(of: child.value))
            guard typeName.hasPrefix("Option<") || typeName.hasPrefix("Flag<") else { return nil }
            return Option(name: kebabCase(String(label.dropFirst())), isFlag: typeName.hasPrefix("Flag<"))
        }
    }

    /// `maxPendingBytes` as `max-pending-bytes`.
    private static func kebabCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "-" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
