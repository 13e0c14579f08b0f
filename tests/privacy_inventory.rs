//! docs/privacy.md lists every table and column of both databases: the schema is read from a
//! real kiosk database and a real central database, each migrated by opening it as the
//! services do, and compared with the inventory's tables. A column the inventory does not list
//! (a new migration) fails, and so does one it lists that is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Schema = BTreeMap<String, BTreeSet<String>>;

/// Tables and their columns in a SQLite file.
fn schema_of(path: &Path) -> Schema {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|t| {
            let mut cols = db
                .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .unwrap();
            let cols: BTreeSet<String> = cols
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (t, cols)
        })
        .collect()
}

/// The tables of one `## ` section of the inventory: `### \`table\`` headings and the
/// `| \`column\` |` rows under them.
fn inventory(doc: &str, section: &str) -> Schema {
    let mut out = Schema::new();
    let mut inside = false;
    let mut table: Option<String> = None;
    for line in doc.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            inside = title == section;
            table = None;
        } else if !inside {
            continue;
        } else if let Some(h) = line.strip_prefix("### `") {
            let name = h.trim_end_matches('`').to_owned();
            out.entry(name.clone()).or_default();
            table = Some(name);
        } else if let (Some(t), Some(rest)) = (&table, line.strip_prefix("| `")) {
            let col = rest.split('`').next().unwrap().to_owned();
            out.get_mut(t).unwrap().insert(col);
        }
    }
    out
}

/// What the inventory lacks or has too much, one line each.
fn differences(real: &Schema, listed: &Schema, section: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols) in real {
        let Some(doc) = listed.get(table) else {
            out.push(format!(
                "{section}: table `{table}` is not in docs/privacy.md"
            ));
            continue;
        };
        for c in cols.difference(doc) {
            out.push(format!(
                "{section}: column `{table}.{c}` is not in docs/privacy.md"
            ));
        }
        for c in doc.difference(cols) {
            out.push(format!(
                "{section}: docs/privacy.md lists `{table}.{c}`, which the schema does not have"
            ));
        }
    }
    for table in listed.keys().filter(|t| !real.contains_key(*t)) {
        out.push(format!(
            "{section}: docs/privacy.md lists table `{table}`, which the schema does not have"
        ));
    }
    out
}

fn doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/privacy.md")).unwrap()
}

#[test]
fn the_inventory_lists_every_column_of_both_databases() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = dir.path().join("kiosk.sqlite3");
    drop(hub_kiosk::store::Store::open(&kiosk).unwrap());
    let central = dir.path().join("central.sqlite3");
    drop(hub_kiosk::central::CentralStore::open(&central).unwrap());
    let doc = doc();
    let mut problems = Vec::new();
    for (path, section) in [
        (&kiosk, "The kiosk's database"),
        (&central, "The central service's database"),
    ] {
        let real = schema_of(path);
        assert!(real.len() >= 3, "{section}: {real:?}");
        problems.extend(differences(&real, &inventory(&doc, section), section));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn a_column_left_out_of_the_inventory_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = dir.path().join("kiosk.sqlite3");
    drop(hub_kiosk::store::Store::open(&kiosk).unwrap());
    let real = schema_of(&kiosk);
    let section = "The kiosk's database";
    let without = doc().replace("| `member_id` | the member number, or empty | member | only from a card scan or a walk-in's number |\n", "");
    let problems = differences(&real, &inventory(&without, section), section);
    assert_eq!(
        problems,
        ["The kiosk's database: column `checkin.member_id` is not in docs/privacy.md"]
    );
    // A new table (a migration) is found too.
    let db = rusqlite::Connection::open(&kiosk).unwrap();
    db.execute_batch("CREATE TABLE visitor_note (id INTEGER PRIMARY KEY, text TEXT)")
        .unwrap();
    let problems = differences(&schema_of(&kiosk), &inventory(&doc(), section), section);
    assert_eq!(
        problems,
        ["The kiosk's database: table `visitor_note` is not in docs/privacy.md"]
    );
}
