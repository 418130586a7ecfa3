import ConcertDomain

/// The STORE_BUSY errors: the store cannot take the request now, and a retry later may succeed.
enum Unavailable {
    /// The write lock could not be had within the busy timeout.
    static let busy = ConcertError(.storeBusy, "The store is busy; try again shortly.")
    /// The store is closed or closing.
    static let closed = ConcertError(.storeBusy, "The store is shutting down; try again shortly.")
}
