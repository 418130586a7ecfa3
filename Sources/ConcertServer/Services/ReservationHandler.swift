import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore

/// Serves `concert.v1.ReservationService`: the catalog and seat holds.
///
/// Listing concerts and their sales needs no token (a fan picks a sale before queueing); listing
/// dates and seats needs any known token (waiting fans may look); holding needs an active one.
/// The listings are answered on the event loop; a hold after its commit.
struct ReservationHandler: ReservationServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock

    func listConcerts(_ request: ListConcertsRequest, context: RequestContext) throws -> Reply<ListConcertsResponse> {
        let now = clock.now()
        return Reply(ListConcertsResponse(concerts: try store.concerts().map { $0.wire(now: now) }))
    }

    func listAvailableDates(_ request: ListAvailableDatesRequest, context: RequestContext) throws
        -> Reply<ListAvailableDatesResponse>
    {
        let dates = try store.availableDates(token: context.token, concertID: request.concertID)
        return Reply(ListAvailableDatesResponse(dates: dates.map(\.wire)))
    }

    func listAvailableSeats(_ request: ListAvailableSeatsRequest, context: RequestContext) throws
        -> Reply<ListAvailableSeatsResponse>
    {
        let seats = try store.seats(token: context.token, concertID: request.concertID, date: request.date)
        return Reply(ListAvailableSeatsResponse(seats: seats.map(\.wire)))
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
        let reservations = try store.reservations(
            token: context.token, reservationID: request.reservationID == 0 ? nil : request.reservationID)
        return Reply(GetReservationResponse(reservations: reservations.map(\.wire)))
    }
}
