/// A database where every statement is a network round trip (PostgreSQL). Rules with a bulk form run a
/// batch of requests on it with a few statements over lists (``SQLList`` parameters, PostgreSQL arrays,
/// read with `= ANY(?1)` and `unnest`) instead of a few statements per request; the bulk SQL is
/// PostgreSQL's. The rules' checks are shared by both forms, and the suites that run on both engines hold
/// the forms to the same behaviour.
public protocol BulkSQLDatabase: SQLDatabase {}
