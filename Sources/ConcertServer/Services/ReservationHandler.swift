import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.ReservationService`: the catalog and seat holds.
///
/// Listing concerts and their sales needs no token (a fan picks a sale before queueing); listing
/// dates and seats needs any known token (waiting fans may look); holding needs an active one.
struct ReservationHandler: ReservationServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock

    func listConcerts(_ request: ListConcertsRequest, context: RequestContext) async throws -> ListConcertsResponse {
        let now = clock.now()
        return ListConcertsResponse(concerts: try await store.concerts().map { $0.wire(now: now) })
    }

    func listAvailableDates(_ request: ListAvailableDatesRequest, context: RequestContext) async throws
        -> ListAvailableDatesResponse
    {
        let dates = try await store.availableDates(token: try context.requiredToken(), concertID: request.concertID)
        return ListAvailableDatesResponse(dates: dates.map(\.wire))
    }

    func listAvailableSeats(_ request: ListAvailableSeatsRequest, context: RequestContext) async throws
        -> ListAvailableSeatsResponse
    {
        let seats = try await store.seats(
            token: try context.requiredToken(), concertID: request.concertID, date: request.date)
        return ListAvailableSeatsResponse(seats: seats.map(\.wire))
    }

    func reserveSeat(_ request: ReserveSeatRequest, context: RequestContext) async throws -> ReserveSeatResponse {
        let reservation = try await store.reserveSeat(
            token: try context.requiredToken(), concertID: request.concertID, date: request.date,
            seatNumber: Int(request.seatNumber))
        return ReserveSeatResponse(reservation: reservation.wire)
    }

    func getReservation(_ request: GetReservationRequest, context: RequestContext) async throws
        -> GetReservationResponse
    {
        let reservations = try await store.reservations(
            token: try context.requiredToken(), reservationID: request.reservationID == 0 ? nil : request.reservationID)
        return GetReservationResponse(reservations: reservations.map(\.wire))
    }
}
