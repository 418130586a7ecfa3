import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore

/// Serves `concert.v1.ReservationService`: the catalog and seat holds.
///
/// Listing concerts and their sales needs no token (a fan picks a sale before queueing); listing
/// dates and seats needs any known token (waiting fans may look); holding needs an active one.
/// The listings are answered on the event loop (SQLite) or when the database answers (PostgreSQL); a
/// hold after its commit.
struct ReservationHandler: ReservationServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock

    func listConcerts(_ request: ListConcertsRequest, context: RequestContext) throws -> Reply<ListConcertsResponse> {
        let now = clock.now()
        return Reply(store.reads.concerts()) { concerts in
            ListConcertsResponse(concerts: concerts.map { $0.wire(now: now) })
        }
    }

    func listAvailableDates(_ request: ListAvailableDatesRequest, context: RequestContext) throws
        -> Reply<ListAvailableDatesResponse>
    {
        Reply(store.reads.availableDates(token: context.token, concertID: request.concertID)) { dates in
            ListAvailableDatesResponse(dates: dates.map(\.wire))
        }
    }

    func listAvailableSeats(_ request: ListAvailableSeatsRequest, context: RequestContext) throws
        -> Reply<ListAvailableSeatsResponse>
    {
        Reply(store.reads.seats(token: context.token, concertID: request.concertID, date: request.date)) { seats in
            ListAvailableSeatsResponse(seats: seats.map(\.wire))
        }
    }

    func reserveSeat(_ request: ReserveSeatRequest, context: RequestContext) throws -> Reply<ReserveSeatResponse> {
        let hold = store.writes.reserveSeat(
            token: context.token, concertID: request.concertID, date: request.date,
            seatNumber: Int(request.seatNumber))
        return Reply(hold) { reservation in ReserveSeatResponse(reservation: reservation.wire) }
    }

    func getReservation(_ request: GetReservationRequest, context: RequestContext) throws
        -> Reply<GetReservationResponse>
    {
        let reservations = store.reads.reservations(
            token: context.token, reservationID: request.reservationID == 0 ? nil : request.reservationID)
        return Reply(reservations) { reservations in GetReservationResponse(reservations: reservations.map(\.wire)) }
    }
}
