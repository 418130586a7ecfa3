import ConcertDomain

/// One unit of work on one connection at one instant: the rules run against `db` as of `now`.
/// A write session runs inside the writer's transaction and job savepoint; a read session inside a read
/// transaction on a pooled connection.
struct Session {
    /// The connection, already inside the right transaction.
    let db: any SQLDatabase
    /// The instant every time-dependent rule of this unit of work uses.
    let now: Int64
    /// The default settings of sales the catalog does not configure.
    let queuePolicy: QueuePolicy
    /// The seat-hold policy.
    let holdPolicy: HoldPolicy
    /// The cache of recent admissions used for wait estimates.
    let admissionRate: AdmissionRate
    /// This process's index of dropped places, for positions.
    let droppedPlaces: DroppedPlaces
    /// This process's memory of when it last heard from each fan.
    let presence: PresenceTracker
    /// How long a waiting fan may stay silent.
    let presencePolicy: PresencePolicy
    /// Whether writes log the tokens they change in the change feed that line views follow.
    let logsTokenChanges: Bool
}
