//! The database schema, as numbered migrations applied in order. `PRAGMA user_version` records
//! how many have run; each runs in its own transaction. Never edit a migration once released:
//! add the next one.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: check-ins, tickets, door passes, hourly footfall, the sync outbox, advisors on duty.
    r#"
    CREATE TABLE checkin (
        id            INTEGER PRIMARY KEY,
        at_ms         INTEGER NOT NULL,           -- UTC wall time, Unix milliseconds
        mono_ms       INTEGER NOT NULL,           -- CLOCK_BOOTTIME milliseconds
        boot_id       TEXT    NOT NULL,
        clock_synced  INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        member_id     TEXT,                       -- NULL when anonymous; never a name
        language      TEXT    NOT NULL,
        source        TEXT    NOT NULL CHECK (source IN ('touchscreen', 'card', 'staff_walk_in'))
    );
    CREATE INDEX checkin_at ON checkin (at_ms);
    CREATE INDEX checkin_unsynced ON checkin (boot_id) WHERE clock_synced = 0;

    CREATE TABLE checkin_need (
        checkin_id INTEGER NOT NULL REFERENCES checkin (id) ON DELETE CASCADE,
        need       TEXT    NOT NULL,
        PRIMARY KEY (checkin_id, need)
    ) WITHOUT ROWID;

    CREATE TABLE ticket (
        id            INTEGER PRIMARY KEY,
        checkin_id    INTEGER REFERENCES checkin (id) ON DELETE SET NULL,
        day           TEXT    NOT NULL,           -- site-local date, YYYY-MM-DD
        prefix        TEXT    NOT NULL,
        number        INTEGER NOT NULL,
        need          TEXT    NOT NULL,           -- the queue it is in
        needs         TEXT    NOT NULL,           -- every need chosen, space-separated
        member_id     TEXT,
        priority      INTEGER NOT NULL DEFAULT 0,
        state         TEXT    NOT NULL CHECK (state IN ('waiting', 'called', 'seen', 'no_show', 'left', 'closed')),
        created_ms    INTEGER NOT NULL,
        created_mono  INTEGER NOT NULL,
        boot_id       TEXT    NOT NULL,
        clock_synced  INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        called_ms     INTEGER,
        called_by     TEXT,
        calls         INTEGER NOT NULL DEFAULT 0,
        finished_ms   INTEGER,
        UNIQUE (day, prefix, number)
    );
    CREATE INDEX ticket_open ON ticket (state) WHERE state IN ('waiting', 'called');
    CREATE INDEX ticket_seen ON ticket (need, finished_ms) WHERE state = 'seen';

    CREATE TABLE door_pass (
        id            INTEGER PRIMARY KEY,
        at_ms         INTEGER NOT NULL,
        mono_ms       INTEGER NOT NULL,
        boot_id       TEXT    NOT NULL,
        clock_synced  INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        direction     TEXT    NOT NULL CHECK (direction IN ('in', 'out'))
    );
    CREATE INDEX door_pass_at ON door_pass (at_ms);

    -- Hourly footfall: absolute totals per UTC hour, kept after per-visit rows are purged.
    CREATE TABLE footfall_hour (
        hour               INTEGER PRIMARY KEY,   -- Unix seconds of the hour's start
        door_in            INTEGER NOT NULL DEFAULT 0,
        door_out           INTEGER NOT NULL DEFAULT 0,
        checkins_anonymous INTEGER NOT NULL DEFAULT 0,
        checkins_member    INTEGER NOT NULL DEFAULT 0,
        dropins_joined     INTEGER NOT NULL DEFAULT 0,
        dropins_seen       INTEGER NOT NULL DEFAULT 0,
        dropins_no_show    INTEGER NOT NULL DEFAULT 0,
        revision           INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE footfall_need (
        hour  INTEGER NOT NULL,
        need  TEXT    NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (hour, need)
    ) WITHOUT ROWID;
    CREATE TABLE footfall_wait (
        hour    INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        count   INTEGER NOT NULL,
        PRIMARY KEY (hour, minutes)
    ) WITHOUT ROWID;

    -- Hours whose totals changed since the central service last accepted them.
    CREATE TABLE sync_outbox (
        hour      INTEGER PRIMARY KEY,
        revision  INTEGER NOT NULL,
        queued_ms INTEGER NOT NULL
    );
    -- Hours the central service refused as invalid (400/422), kept for inspection.
    CREATE TABLE sync_dead_letter (
        id        INTEGER PRIMARY KEY,
        hour      INTEGER NOT NULL,
        revision  INTEGER NOT NULL,
        status    INTEGER NOT NULL,
        reason    TEXT    NOT NULL,
        at_ms     INTEGER NOT NULL
    );

    CREATE TABLE duty (
        name     TEXT PRIMARY KEY,
        on_duty  INTEGER NOT NULL CHECK (on_duty IN (0, 1)),
        since_ms INTEGER NOT NULL
    );

    -- Small named values: sync state, last purge, and the like.
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 2: Idempotency-Key of staff API requests: a retry gets the first answer (see
    // `store::idempotency`). Written in the same transaction as the change it names.
    r#"
    CREATE TABLE idempotency_key (
        caller     TEXT    NOT NULL,              -- the API token's or login's name
        key        TEXT    NOT NULL,              -- the client's Idempotency-Key
        request    TEXT    NOT NULL,              -- method, path and a hash of the body
        subject    INTEGER NOT NULL,              -- the check-in or ticket it made or moved
        status     INTEGER,                       -- the answer, once given
        answer     TEXT,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (caller, key)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_key_created ON idempotency_key (created_ms);
    "#,
    // 3: the audit log: one row per staff action (see `store::audit`), kept `audit_days`.
    r#"
    CREATE TABLE audit (
        id       INTEGER PRIMARY KEY,
        at_ms    INTEGER NOT NULL,              -- UTC wall time, Unix milliseconds
        actor    TEXT    NOT NULL,              -- the login's or API token's name
        via      TEXT    NOT NULL CHECK (via IN ('session', 'token', 'sign-in', 'reload')),
        action   TEXT    NOT NULL,              -- sign-in, call, seen, walk-in, duty…
        subject  TEXT,                          -- the ticket or course session it was about
        detail   TEXT,                          -- e.g. "to housing", "on duty"
        client   TEXT                           -- the staff device's IP address
    );
    CREATE INDEX audit_at ON audit (at_ms);
    -- Rows are added and, past audit_days, deleted; never changed.
    CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END;
    "#,
];
