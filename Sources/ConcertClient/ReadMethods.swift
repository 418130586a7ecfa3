public import ConcertProtocol

/// The unary methods that change nothing on the server, so sending one twice is harmless; the client
/// sends them again after a broken connection (see ``RetryPolicy``).
public enum ReadMethods {
    /// Health, discovery, the queue's status and lines, the catalogue, the caller's reservations and
    /// balance, and the operators' figures and change log. `GetQueueStatus` also marks the fan present in
    /// line, which a repeat does again harmlessly.
    public static let all: Set<MethodDescriptor> = [
        SystemService.health.descriptor,
        SystemService.listServices.descriptor,
        QueueService.getQueueStatus.descriptor,
        QueueService.getSaleLine.descriptor,
        ReservationService.listConcerts.descriptor,
        ReservationService.listAvailableDates.descriptor,
        ReservationService.listAvailableSeats.descriptor,
        ReservationService.getReservation.descriptor,
        PaymentService.getBalance.descriptor,
        AdminService.getSaleStats.descriptor,
        AdminService.listSaleStats.descriptor,
        AdminService.listSaleChanges.descriptor,
    ]
}
