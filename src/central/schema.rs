//! The central database's schema, as numbered migrations applied in order (`crate::sqlite`).
//! `PRAGMA user_version` records how many have run; each runs in its own transaction.

/// Migration `i` brings the schema from version `i` to `i + 1`. Never edit a released one.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE bucket (
        site               TEXT    NOT NULL,
        kiosk              TEXT    NOT NULL,
        hour               INTEGER NOT NULL,   -- Unix seconds of the UTC hour's start
        database           TEXT    NOT NULL,   -- the kiosk database's random id
        revision           INTEGER NOT NULL,
        door_in            INTEGER NOT NULL,
        door_out           INTEGER NOT NULL,
        checkins_anonymous INTEGER NOT NULL,
        checkins_member    INTEGER NOT NULL,
        dropins_joined     INTEGER NOT NULL,
        dropins_seen       INTEGER NOT NULL,
        dropins_no_show    INTEGER NOT NULL,
        needs              TEXT    NOT NULL,   -- JSON: need id -> count
        waits              TEXT    NOT NULL,   -- JSON: whole minutes -> count
        received_ms        INTEGER NOT NULL,
        PRIMARY KEY (site, kiosk, hour)
    ) WITHOUT ROWID;
    CREATE INDEX bucket_site_hour ON bucket (site, hour);

    CREATE TABLE kiosk_contact (
        site           TEXT    NOT NULL,
        kiosk          TEXT    NOT NULL,
        last_ms        INTEGER NOT NULL,       -- last accepted request, even an empty one
        last_data_ms   INTEGER,                -- last request that carried buckets
        PRIMARY KEY (site, kiosk)
    ) WITHOUT ROWID;
    "#,
    // 2: database ids stored once, numbered in the order first heard of (the ids already held
    // are numbered by when each was last heard from, so the one in use stays the newest).
    r#"
    CREATE TABLE kiosk_database (
        id        INTEGER PRIMARY KEY,         -- order in which this service first heard of it
        site      TEXT    NOT NULL,
        kiosk     TEXT    NOT NULL,
        uuid      TEXT    NOT NULL,
        first_ms  INTEGER NOT NULL,
        UNIQUE (site, kiosk, uuid)
    );
    INSERT INTO kiosk_database (site, kiosk, uuid, first_ms)
        SELECT site, kiosk, database, MIN(received_ms) FROM bucket
        GROUP BY site, kiosk, database ORDER BY MAX(received_ms);
    CREATE TABLE bucket_v2 (
        site               TEXT    NOT NULL,
        kiosk              TEXT    NOT NULL,
        hour               INTEGER NOT NULL,
        database_id        INTEGER NOT NULL REFERENCES kiosk_database (id),
        revision           INTEGER NOT NULL,
        door_in            INTEGER NOT NULL,
        door_out           INTEGER NOT NULL,
        checkins_anonymous INTEGER NOT NULL,
        checkins_member    INTEGER NOT NULL,
        dropins_joined     INTEGER NOT NULL,
        dropins_seen       INTEGER NOT NULL,
        dropins_no_show    INTEGER NOT NULL,
        needs              TEXT    NOT NULL,
        waits              TEXT    NOT NULL,
        received_ms        INTEGER NOT NULL,
        PRIMARY KEY (site, kiosk, hour)
    ) WITHOUT ROWID;
    INSERT INTO bucket_v2 SELECT b.site, b.kiosk, b.hour, d.id, b.revision, b.door_in,
        b.door_out, b.checkins_anonymous, b.checkins_member, b.dropins_joined, b.dropins_seen,
        b.dropins_no_show, b.needs, b.waits, b.received_ms
        FROM bucket b JOIN kiosk_database d
        ON d.site = b.site AND d.kiosk = b.kiosk AND d.uuid = b.database;
    DROP TABLE bucket;
    ALTER TABLE bucket_v2 RENAME TO bucket;
    CREATE INDEX bucket_site_hour ON bucket (site, hour);
    "#,
    // 3: the software version each kiosk last reported (an optional field of its uploads).
    "ALTER TABLE kiosk_contact ADD COLUMN software TEXT",
    // 4: tickets closed by the kiosk's clock and help requests, per hour (0 from kiosks that
    // do not send them).
    r#"
    ALTER TABLE bucket ADD COLUMN dropins_closed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE bucket ADD COLUMN help_requests  INTEGER NOT NULL DEFAULT 0;
    "#,
    // 5: attendance at Recovery College sessions, and per course title when the kiosk
    // forwards titles (wire format version 2).
    r#"
    ALTER TABLE bucket ADD COLUMN attendance INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE bucket ADD COLUMN courses TEXT NOT NULL DEFAULT '{}';   -- JSON: title -> count
    "#,
    // 6: keyed (site, hour, kiosk), so the key itself serves a site's hours and the (site, hour)
    // index goes; and no foreign key on `database_id`: only `CentralStore::upsert_from` writes
    // it, with an id it read or added in the same transaction, and no `kiosk_database` row is
    // ever deleted. Each cost every stored bucket a second B-tree write or a lookup.
    r#"
    CREATE TABLE bucket_v6 (
        site               TEXT    NOT NULL,
        kiosk              TEXT    NOT NULL,
        hour               INTEGER NOT NULL,   -- Unix seconds of the UTC hour's start
        database_id        INTEGER NOT NULL,   -- kiosk_database (id)
        revision           INTEGER NOT NULL,
        door_in            INTEGER NOT NULL,
        door_out           INTEGER NOT NULL,
        checkins_anonymous INTEGER NOT NULL,
        checkins_member    INTEGER NOT NULL,
        dropins_joined     INTEGER NOT NULL,
        dropins_seen       INTEGER NOT NULL,
        dropins_no_show    INTEGER NOT NULL,
        needs              TEXT    NOT NULL,   -- JSON: need id -> count
        waits              TEXT    NOT NULL,   -- JSON: whole minutes -> count
        received_ms        INTEGER NOT NULL,
        dropins_closed     INTEGER NOT NULL DEFAULT 0,
        help_requests      INTEGER NOT NULL DEFAULT 0,
        attendance         INTEGER NOT NULL DEFAULT 0,
        courses            TEXT    NOT NULL DEFAULT '{}',   -- JSON: title -> count
        PRIMARY KEY (site, hour, kiosk)
    ) WITHOUT ROWID;
    INSERT INTO bucket_v6 (site, kiosk, hour, database_id, revision, door_in, door_out,
        checkins_anonymous, checkins_member, dropins_joined, dropins_seen, dropins_no_show,
        needs, waits, received_ms, dropins_closed, help_requests, attendance, courses)
        SELECT site, kiosk, hour, database_id, revision, door_in, door_out,
        checkins_anonymous, checkins_member, dropins_joined, dropins_seen, dropins_no_show,
        needs, waits, received_ms, dropins_closed, help_requests, attendance, courses
        FROM bucket;
    DROP TABLE bucket;
    ALTER TABLE bucket_v6 RENAME TO bucket;
    "#,
];
