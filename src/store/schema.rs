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
    // 3: the help button, pauses and closing that loses nobody. Tickets keep the visitor's
    // language and an interpreter flag, and gain the state `come_back` (SQLite cannot widen a
    // CHECK, so the table is rebuilt). Hourly totals gain tickets closed by the clock and help
    // requests; closed tickets still held are counted into their hours, which go out again.
    r#"
    CREATE TABLE ticket_v3 (
        id            INTEGER PRIMARY KEY,
        checkin_id    INTEGER REFERENCES checkin (id) ON DELETE SET NULL,
        day           TEXT    NOT NULL,           -- site-local date, YYYY-MM-DD
        prefix        TEXT    NOT NULL,
        number        INTEGER NOT NULL,
        need          TEXT    NOT NULL,           -- the queue it is in
        needs         TEXT    NOT NULL,           -- every need chosen, space-separated
        member_id     TEXT,
        priority      INTEGER NOT NULL DEFAULT 0,
        state         TEXT    NOT NULL CHECK (state IN ('waiting', 'called', 'seen', 'no_show', 'left', 'closed', 'come_back')),
        created_ms    INTEGER NOT NULL,
        created_mono  INTEGER NOT NULL,
        boot_id       TEXT    NOT NULL,
        clock_synced  INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        called_ms     INTEGER,
        called_by     TEXT,
        calls         INTEGER NOT NULL DEFAULT 0,
        finished_ms   INTEGER,
        language      TEXT    NOT NULL DEFAULT 'en',  -- the visitor's language at the kiosk
        interpreter   INTEGER NOT NULL DEFAULT 0 CHECK (interpreter IN (0, 1)),
        UNIQUE (day, prefix, number)
    );
    INSERT INTO ticket_v3 (id, checkin_id, day, prefix, number, need, needs, member_id, priority,
                           state, created_ms, created_mono, boot_id, clock_synced, called_ms,
                           called_by, calls, finished_ms, language)
        SELECT t.id, t.checkin_id, t.day, t.prefix, t.number, t.need, t.needs, t.member_id,
               t.priority, t.state, t.created_ms, t.created_mono, t.boot_id, t.clock_synced,
               t.called_ms, t.called_by, t.calls, t.finished_ms,
               COALESCE((SELECT c.language FROM checkin c WHERE c.id = t.checkin_id), 'en')
        FROM ticket t;
    DROP TABLE ticket;
    ALTER TABLE ticket_v3 RENAME TO ticket;
    CREATE INDEX ticket_open ON ticket (state) WHERE state IN ('waiting', 'called');
    CREATE INDEX ticket_seen ON ticket (need, finished_ms) WHERE state = 'seen';

    ALTER TABLE footfall_hour ADD COLUMN dropins_closed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE footfall_hour ADD COLUMN help_requests  INTEGER NOT NULL DEFAULT 0;
    UPDATE footfall_hour
        SET dropins_closed = (SELECT COUNT(*) FROM ticket t WHERE t.state = 'closed'
                              AND t.created_ms / 3600000 * 3600 = footfall_hour.hour),
            revision = revision + 1
        WHERE hour IN (SELECT created_ms / 3600000 * 3600 FROM ticket WHERE state = 'closed');
    INSERT INTO sync_outbox (hour, revision, queued_ms)
        SELECT hour, revision, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM footfall_hour
        WHERE dropins_closed > 0
        ON CONFLICT (hour) DO UPDATE SET revision = excluded.revision;

    -- "I need to talk to someone now": when, and who of the staff acknowledged it. Nothing
    -- about who asked.
    CREATE TABLE help_request (
        id              INTEGER PRIMARY KEY,
        raised_ms       INTEGER NOT NULL,
        mono_ms         INTEGER NOT NULL,
        boot_id         TEXT    NOT NULL,
        clock_synced    INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
        escalated_ms    INTEGER,                  -- nobody acknowledged within the time
        acknowledged_ms INTEGER,
        acknowledged_by TEXT,                     -- the signed-in login's name
        CHECK ((acknowledged_ms IS NULL) = (acknowledged_by IS NULL))
    );
    CREATE INDEX help_request_raised ON help_request (raised_ms);

    -- Drop-ins paused by staff: who, why, and how it ended (resumed_by NULL: by itself at
    -- closing).
    CREATE TABLE dropin_pause (
        id          INTEGER PRIMARY KEY,
        since_ms    INTEGER NOT NULL,
        paused_by   TEXT    NOT NULL,
        reason      TEXT,
        ends_ms     INTEGER,                      -- when it ends by itself, if it does
        resumed_ms  INTEGER,
        resumed_by  TEXT
    );
    "#,
    // 4: the audit log: one row per staff action (see `store::audit`), kept `audit_days`.
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
    // 5: Recovery College registers (who came to which session) and attendance per course in
    // the hourly totals (see `store::registers`).
    r#"
    ALTER TABLE footfall_hour ADD COLUMN attendance INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE footfall_course (
        hour   INTEGER NOT NULL,
        course TEXT    NOT NULL,              -- the course's title
        count  INTEGER NOT NULL,
        PRIMARY KEY (hour, course)
    ) WITHOUT ROWID;

    -- A session as the timetable had it when its first student was recorded, so its register
    -- reads the same after the timetable changes.
    CREATE TABLE session (
        id        TEXT    PRIMARY KEY,        -- domain::timetable::SessionId
        day       TEXT    NOT NULL,           -- site-local date, YYYY-MM-DD
        title     TEXT    NOT NULL,
        room      TEXT,
        starts_ms INTEGER NOT NULL,
        ends_ms   INTEGER NOT NULL,
        capacity  INTEGER
    );
    CREATE INDEX session_day ON session (day);
    CREATE TABLE attendance (
        id         INTEGER PRIMARY KEY,
        session    TEXT    NOT NULL REFERENCES session (id),
        member_id  TEXT,                      -- NULL for a student who did not give a number
        checkin_id INTEGER REFERENCES checkin (id) ON DELETE SET NULL,
        added_by   TEXT,                      -- the staff login or token; NULL at the kiosk
        at_ms      INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX attendance_member ON attendance (session, member_id)
        WHERE member_id IS NOT NULL;
    CREATE INDEX attendance_session ON attendance (session);
    "#,
];
