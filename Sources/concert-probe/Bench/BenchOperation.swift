import ArgumentParser
import Foundation

/// One kind of call a benchmark fan makes, named as in `--mix`.
enum BenchOperation: String, CaseIterable, Sendable {
    /// IssueToken for the fan's user (returns the fan's live token).
    case issue
    /// GetQueueStatus.
    case status
    /// ListConcerts.
    case concerts
    /// ListAvailableDates of a random concert.
    case dates
    /// ListAvailableSeats of a random date.
    case seats
    /// ReserveSeat of a seat the fan last saw free (needs an ACTIVE token).
    case reserve
    /// GetReservation of all the fan's reservations.
    case reservation
    /// GetBalance.
    case balance
    /// ChargeBalance of the held seat's price.
    case charge
    /// Pay of the fan's held seat (needs an ACTIVE token and a hold).
    case pay
}

/// The weighted mix of operations a benchmark draws from, e.g. `issue=1,status=5`.
struct BenchMix: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// The operations with their positive weights, in the order given.
    let weights: [(operation: BenchOperation, weight: Int)]

    /// The default mix: `issue=1,status=5,seats=5,reserve=1,charge=1,pay=1`.
    static let standard = BenchMix(weights: [
        (.issue, 1), (.status, 5), (.seats, 5), (.reserve, 1), (.charge, 1), (.pay, 1),
    ])

    private init(weights: [(operation: BenchOperation, weight: Int)]) {
        self.weights = weights
    }

    /// Parses `name=weight` pairs separated by commas; nil for an unknown name or a weight below 1.
    init?(argument: String) {
        var weights: [(operation: BenchOperation, weight: Int)] = []
        for pair in argument.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let operation = BenchOperation(rawValue: parts[0]), let weight = Int(parts[1]),
                weight > 0, !weights.contains(where: { $0.operation == operation })
            else { return nil }
            weights.append((operation, weight))
        }
        guard !weights.isEmpty else { return nil }
        self.weights = weights
    }

    /// The mix as given on the command line.
    var description: String {
        weights.map { "\($0.operation.rawValue)=\($0.weight)" }.joined(separator: ",")
    }

    /// The default value shown in `--help`.
    var defaultValueDescription: String { description }

    /// An operation drawn at random with the mix's weights.
    func draw(using generator: inout some RandomNumberGenerator) -> BenchOperation {
        guard weights.count > 1 else { return weights[0].operation }
        var ticket = Int.random(in: 0..<weights.reduce(0) { $0 + $1.weight }, using: &generator)
        for (operation, weight) in weights {
            if ticket < weight { return operation }
            ticket -= weight
        }
        return weights[weights.count - 1].operation
    }
}
