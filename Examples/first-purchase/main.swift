import ConcertClient
import ConcertProtocol   // the message types and RPCError
import Foundation        // UUID, CommandLine

// concert-example [host] [port]: buys the first free seat of the first concert's first date.
let host = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "127.0.0.1"
let port = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 50051 : 50051

try await withConcertClient(host: host, port: port) { client in
    let concert = try await client.listConcerts().concerts[0]   // needs no token
    _ = try await client.issueToken(userID: UUID().uuidString, concertID: concert.id)   // the client keeps the token
    _ = try await client.waitUntilActive { status in print("\(status.state.name), position \(status.position)") }
    guard let date = try await client.listAvailableDates(concertID: concert.id).dates.first,   // dates with a free seat
        let seat = try await client.listAvailableSeats(concertID: concert.id, date: date.date).seats.first(where: \.free)
    else {   // not a fixed seat number: a second run buys another seat
        print("\(concert.title) has no free seat right now")
        return
    }
    let hold = try await client.reserveSeat(concertID: concert.id, date: date.date, seatNumber: seat.number)
    _ = try await client.chargeBalance(amount: seat.price, idempotencyKey: UUID().uuidString)   // safe to retry
    let paid = try await client.pay(reservationID: hold.reservation!.id)
    print("seat \(seat.number) on \(date.date) is yours; balance \(paid.balance)")
}
