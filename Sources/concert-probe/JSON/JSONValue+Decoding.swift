import Foundation

extension JSONValue: Decodable {
    /// Parses `text` as one JSON value; a syntax error becomes a message naming the problem.
    static func parse(_ text: String) throws(ProbeFailure) -> JSONValue {
        let data = Data(text.utf8)
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .badInput("the --data value is not valid JSON: \(syntaxProblem(in: data) ?? "\(error)")")
        }
    }

    /// Foundation's description of the syntax error in `data`, e.g. `Invalid value around character 5.`
    private static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: MemberKey.self) {
            self = .object(try object.allKeys.map { key in (key.stringValue, try object.decode(JSONValue.self, forKey: key)) })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .number(.signed(value))
        } else if let value = try? single.decode(UInt64.self) {
            self = .number(.unsigned(value))
        } else if let value = try? single.decode(Double.self) {
            self = .number(.double(value))
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Any member name of a JSON object.
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
