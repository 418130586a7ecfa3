/// The schema's migrations, oldest first; `PRAGMA user_version` records how many have been applied.
enum Schema {
    /// Every migration, in order (versions 1, 2, …).
    static let migrations: [Migration] = [version1, version2, version3, version4]

    /// The version a fully migrated database has.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Version 1: catalog, seats and holds, reservations, money, and the waiting line.
    static let version1 = Migration(
        version: 1,
        sql: """
            CREATE TABLE concerts (
                id     INTEGER PRIMARY KEY CHECK (id > 0),
                title  TEXT NOT NULL,
                artist TEXT NOT NULL,
                venue  TEXT NOT NULL
            );

            CREATE TABLE concert_dates (
                concert_id   INTEGER NOT NULL REFERENCES concerts (id),
                date         TEXT NOT NULL CHECK (length(date) = 10),
                starts_at_ms INTEGER NOT NULL,
                PRIMARY KEY (concert_id, date)
            ) WITHOUT ROWID;

            CREATE TABLE seats (
                concert_id          INTEGER NOT NULL,
                date                TEXT NOT NULL,
                number              INTEGER NOT NULL CHECK (number BETWEEN 1 AND 50),
                price               INTEGER NOT NULL CHECK (price >= 0),
                hold_reservation_id INTEGER REFERENCES reservations (id),
                hold_expires_ms     INTEGER,
                sold_reservation_id INTEGER UNIQUE REFERENCES reservations (id),
                PRIMARY KEY (concert_id, date, number),
                FOREIGN KEY (concert_id, date) REFERENCES concert_dates (concert_id, date),
                CHECK ((hold_reservation_id IS NULL) = (hold_expires_ms IS NULL))
            ) WITHOUT ROWID;

            CREATE TABLE reservations (
                id          INTEGER PRIMARY KEY,
                user_id     BLOB NOT NULL CHECK (length(user_id) = 16),
                concert_id  INTEGER NOT NULL,
                date        TEXT NOT NULL,
                seat_number INTEGER NOT NULL CHECK (seat_number BETWEEN 1 AND 50),
                price       INTEGER NOT NULL CHECK (price >= 0),
                held_ms     INTEGER NOT NULL,
                expires_ms  INTEGER NOT NULL CHECK (expires_ms > held_ms),
                paid_ms     INTEGER,
                FOREIGN KEY (concert_id, date, seat_number) REFERENCES seats (concert_id, date, number)
            );
            CREATE INDEX reservations_by_user ON reservations (user_id, id);

            CREATE TABLE accounts (
                user_id BLOB PRIMARY KEY CHECK (length(user_id) = 16),
                balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0 AND balance <= 1000000000000)
            ) WITHOUT ROWID;

            CREATE TABLE charges (
                id              INTEGER PRIMARY KEY,
                user_id         BLOB NOT NULL REFERENCES accounts (user_id),
                amount          INTEGER NOT NULL CHECK (amount > 0 AND amount <= 100000000),
                balance_after   INTEGER NOT NULL CHECK (balance_after >= amount),
                idempotency_key TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 128),
                charged_ms      INTEGER NOT NULL,
                UNIQUE (user_id, idempotency_key)
            );

            CREATE TABLE payments (
                id             INTEGER PRIMARY KEY,
                reservation_id INTEGER NOT NULL UNIQUE REFERENCES reservations (id),
                user_id        BLOB NOT NULL REFERENCES accounts (user_id),
                amount         INTEGER NOT NULL CHECK (amount >= 0),
                balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
                paid_ms        INTEGER NOT NULL
            );

            CREATE TABLE tokens (
                seq          INTEGER PRIMARY KEY CHECK (seq > 0),
                token        TEXT NOT NULL UNIQUE CHECK (length(token) = 32),
                user_id      BLOB NOT NULL CHECK (length(user_id) = 16),
                issued_ms    INTEGER NOT NULL,
                activated_ms INTEGER,
                expires_ms   INTEGER,
                closed_ms    INTEGER
            );
            CREATE INDEX tokens_by_user ON tokens (user_id, seq);
            CREATE INDEX tokens_active ON tokens (expires_ms) WHERE closed_ms IS NULL AND expires_ms IS NOT NULL;

            CREATE TABLE queue_state (
                id               INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq         INTEGER NOT NULL CHECK (last_seq >= 0),
                admitted_through INTEGER NOT NULL CHECK (admitted_through BETWEEN 0 AND last_seq)
            );
            INSERT INTO queue_state (id, last_seq, admitted_through) VALUES (1, 0, 0);

            CREATE TABLE admissions (
                id          INTEGER PRIMARY KEY,
                admitted_ms INTEGER NOT NULL,
                count       INTEGER NOT NULL CHECK (count > 0)
            );
            CREATE INDEX admissions_by_time ON admissions (admitted_ms);
            """
    )

    /// Version 2: the idempotency key's limit counts bytes of UTF-8, as the validation does (version 1
    /// counted code points, so a valid-looking key could fail the insert). SQLite cannot alter a CHECK, so
    /// `charges` is rebuilt. A version-1 key longer than 128 bytes (at most 128 code points) cannot be kept
    /// under the new rule: its charge is kept without its key. Each admission also records the N it was made
    /// under, so an audit after a restart with a smaller N checks each admission against its own N.
    static let version2 = Migration(
        version: 2,
        sql: """
            CREATE TABLE charges_v2 (
                id              INTEGER PRIMARY KEY,
                user_id         BLOB NOT NULL REFERENCES accounts (user_id),
                amount          INTEGER NOT NULL CHECK (amount > 0 AND amount <= 100000000),
                balance_after   INTEGER NOT NULL CHECK (balance_after >= amount),
                idempotency_key TEXT CHECK (length(CAST(idempotency_key AS BLOB)) BETWEEN 1 AND 128),
                charged_ms      INTEGER NOT NULL,
                UNIQUE (user_id, idempotency_key)
            );
            INSERT INTO charges_v2 (id, user_id, amount, balance_after, idempotency_key, charged_ms)
            SELECT id, user_id, amount, balance_after,
                CASE WHEN length(CAST(idempotency_key AS BLOB)) <= 128 THEN idempotency_key END, charged_ms
            FROM charges;
            DROP TABLE charges;
            ALTER TABLE charges_v2 RENAME TO charges;
            ALTER TABLE admissions ADD COLUMN max_active INTEGER CHECK (max_active >= 0);
            """
    )

    /// Version 3: one line per concert's sale. `sales` holds each sale's times, settings and line counters
    /// (`last_place`, `admitted_through`, how many pre-queued, the pre-queue's size once fixed and how much of it
    /// has places, how many places were dropped); tokens belong to
    /// a sale and carry their place in its line (NULL while pre-queued, with a random `shuffle_key` that orders
    /// the pre-queue at opening) and when they were dropped; `abandonments` logs every dropped place in commit
    /// order, so each process can count dropped places ahead of a fan without scanning the line. `heard_by`
    /// names the server process that last heard from the token's holder (presence is kept in that process's
    /// memory); `servers` holds each process's heartbeat, so the fans of a process that died can be dropped. Every existing
    /// concert gets a sale open since the epoch with the default settings; tokens of version 2 (one line for the
    /// whole server, each lasting at most T) are dropped.
    static let version3 = Migration(
        version: 3,
        sql: """
            DROP TABLE tokens;
            DROP TABLE queue_state;
            DROP TABLE admissions;

            CREATE TABLE sales (
                concert_id              INTEGER PRIMARY KEY REFERENCES concerts (id),
                opens_ms                INTEGER NOT NULL,
                closes_ms               INTEGER CHECK (closes_ms IS NULL OR closes_ms > opens_ms),
                pre_queue_window_ms     INTEGER NOT NULL CHECK (pre_queue_window_ms >= 0),
                max_active              INTEGER NOT NULL CHECK (max_active >= 0),
                admissions_per_interval INTEGER CHECK (admissions_per_interval > 0),
                admission_interval_ms   INTEGER NOT NULL CHECK (admission_interval_ms > 0),
                active_lifetime_ms      INTEGER NOT NULL CHECK (active_lifetime_ms > 0),
                active_idle_ms          INTEGER NOT NULL CHECK (active_idle_ms > 0),
                last_place              INTEGER NOT NULL DEFAULT 0 CHECK (last_place >= 0),
                admitted_through        INTEGER NOT NULL DEFAULT 0
                                        CHECK (admitted_through BETWEEN 0 AND last_place),
                pre_queued              INTEGER NOT NULL DEFAULT 0 CHECK (pre_queued >= 0),
                pre_queue_size          INTEGER CHECK (pre_queue_size = pre_queued),
                pre_queue_placed        INTEGER NOT NULL DEFAULT 0
                                        CHECK (pre_queue_placed BETWEEN 0 AND coalesce(pre_queue_size, 0)),
                dropped                 INTEGER NOT NULL DEFAULT 0 CHECK (dropped >= 0)
            );
            INSERT INTO sales (concert_id, opens_ms, pre_queue_window_ms, max_active, admission_interval_ms,
                               active_lifetime_ms, active_idle_ms)
            SELECT id, 0, 900000, 100, 1000, 600000, 300000 FROM concerts;

            CREATE TABLE tokens (
                seq          INTEGER PRIMARY KEY CHECK (seq > 0),
                token        TEXT NOT NULL UNIQUE CHECK (length(token) = 32),
                user_id      BLOB NOT NULL CHECK (length(user_id) = 16),
                concert_id   INTEGER NOT NULL REFERENCES sales (concert_id),
                issued_ms    INTEGER NOT NULL,
                shuffle_key  INTEGER,
                place        INTEGER CHECK (place > 0),
                activated_ms INTEGER,
                expires_ms   INTEGER,
                closed_ms    INTEGER,
                abandoned_ms INTEGER,
                heard_by     TEXT NOT NULL,
                UNIQUE (concert_id, place),
                CHECK (place IS NOT NULL OR shuffle_key IS NOT NULL)
            );
            CREATE INDEX tokens_by_user ON tokens (user_id, concert_id, seq);
            CREATE INDEX tokens_pre_queue ON tokens (concert_id, shuffle_key, seq) WHERE place IS NULL;
            CREATE INDEX tokens_active ON tokens (concert_id, expires_ms)
                WHERE closed_ms IS NULL AND expires_ms IS NOT NULL;
            CREATE INDEX tokens_by_listener ON tokens (heard_by) WHERE abandoned_ms IS NULL AND closed_ms IS NULL;

            CREATE TABLE servers (
                id           TEXT PRIMARY KEY,
                heartbeat_ms INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE admissions (
                id          INTEGER PRIMARY KEY,
                concert_id  INTEGER NOT NULL REFERENCES sales (concert_id),
                admitted_ms INTEGER NOT NULL,
                count       INTEGER NOT NULL CHECK (count > 0),
                max_active  INTEGER NOT NULL CHECK (max_active >= 0)
            );
            CREATE INDEX admissions_by_sale ON admissions (concert_id, admitted_ms);

            CREATE TABLE abandonments (
                id         INTEGER PRIMARY KEY,
                concert_id INTEGER NOT NULL REFERENCES sales (concert_id),
                place      INTEGER NOT NULL CHECK (place > 0),
                UNIQUE (concert_id, place)
            );
            CREATE INDEX abandonments_by_sale ON abandonments (concert_id);

            CREATE TABLE storage_probe (
                id    INTEGER PRIMARY KEY CHECK (id = 1),
                at_ms INTEGER NOT NULL
            );
            """
    )

    /// Version 4: sales run live. A sale may be paused by its operators (`admission_paused_ms`, when) and counts
    /// the fans who left it (`left_count`); a token may be revoked (`revoked_ms`); every operator change is
    /// logged in `sale_changes`.
    static let version4 = Migration(
        version: 4,
        sql: """
            ALTER TABLE sales ADD COLUMN admission_paused_ms INTEGER;
            ALTER TABLE sales ADD COLUMN left_count INTEGER NOT NULL DEFAULT 0 CHECK (left_count >= 0);
            ALTER TABLE tokens ADD COLUMN revoked_ms INTEGER;
            CREATE TABLE sale_changes (
                id         INTEGER PRIMARY KEY,
                concert_id INTEGER NOT NULL REFERENCES sales (concert_id),
                at_ms      INTEGER NOT NULL,
                what       TEXT NOT NULL,
                old_value  TEXT NOT NULL,
                new_value  TEXT NOT NULL,
                made_by    TEXT NOT NULL
            );
            CREATE INDEX sale_changes_by_sale ON sale_changes (concert_id, id);
            """
    )
}
