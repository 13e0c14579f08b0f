//! `hub-kiosk central` from the command line: the example passes its check, mistakes are
//! reported with their line, demo secrets are refused outside the demo, and the OpenAPI
//! document matches the routes the service really has.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use hub_kiosk::central::CentralConfig;
use hub_kiosk::central::api::OPENAPI;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_example_passes_check_config_and_mistakes_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let example = text(&hub_kiosk(&["central", "example"]).stdout);
    let file = dir.path().join("central.toml");
    std::fs::write(&file, &example).unwrap();
    let check = hub_kiosk(&["central", "check-config", file.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains("ok — 2 sites, 2 kiosks, 2 readers"));

    let line = example
        .lines()
        .position(|l| l.starts_with("door_calibration"))
        .unwrap()
        + 1;
    std::fs::write(
        &file,
        example.replace("door_calibration = 1.0", "door_calibration = 7"),
    )
    .unwrap();
    let check = hub_kiosk(&["central", "check-config", file.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(2));
    let err = text(&check.stderr);
    assert!(
        err.contains(&format!("line {line}")) && err.contains("sites.0.door_calibration"),
        "{err}"
    );

    std::fs::write(
        &file,
        example.replace("site = \"bootle\"", "site = \"bottle\""),
    )
    .unwrap();
    let err = text(&hub_kiosk(&["central", "check-config", file.to_str().unwrap()]).stderr);
    assert!(err.contains("no [[sites]] entry has id `bottle`"), "{err}");
}

#[test]
fn demo_secrets_are_refused_outside_the_demo() {
    let demo = CentralConfig::demo();
    assert!(demo.demo && demo.kiosks[0].token == hub_kiosk::config::DEMO_CENTRAL_TOKEN);
    let e = CentralConfig::parse(hub_kiosk::central::config::DEMO, "central.toml").unwrap_err();
    assert!(
        e.message.contains("public demo token") || e.message.contains("demo passcode"),
        "{e}"
    );
    assert_eq!(e.line, Some(17), "{e}");
}

#[test]
fn the_kiosk_demo_forwards_to_the_central_demo() {
    let kiosk = hub_kiosk::config::Config::demo();
    let central = CentralConfig::demo();
    assert_eq!(
        kiosk.sync.central_url.as_deref(),
        Some(format!("http://{}", central.service.listen).as_str())
    );
    let k = &central.kiosks[0];
    assert_eq!(
        (k.site.as_str(), k.id.as_str()),
        (kiosk.site.id.as_str(), kiosk.kiosk.id.as_str())
    );
    assert_eq!(Some(&k.token), kiosk.sync.token.as_ref());
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["central", "--listen", &addr])
        .env("HUB_KIOSK_CENTRAL_DEMO_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("cannot listen on {addr}")) && err.contains("--listen"),
        "{err}"
    );
    assert!(
        dir.path().join("central.sqlite3").exists(),
        "the demo keeps its data where asked"
    );
}

/// Every `$ref` resolves; the paths and methods are exactly the routes of `central::router`.
#[test]
fn the_openapi_document_is_whole_and_matches_the_routes() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    // 3.1: key patterns of `needs` and `waits` need `propertyNames`, which 3.0 lacks.
    assert_eq!(doc["openapi"], "3.1.0");
    let mut refs = Vec::new();
    fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    refs.push(r.to_owned());
                }
                m.values().for_each(|x| walk(x, refs));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(refs.len() > 10);
    for r in refs {
        let pointer = r.strip_prefix('#').unwrap();
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (p.clone(), m.clone()))
        })
        .collect();
    // The routes as written in the router.
    let source = include_str!("../src/central/mod.rs");
    let mut routed = BTreeSet::new();
    for line in source
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(".route(\""))
    {
        let path = line.split('"').nth(1).unwrap().to_owned();
        for method in ["get", "post", "put", "delete", "patch"] {
            if line.contains(&format!("{method}(")) {
                routed.insert((path.clone(), method.to_owned()));
            }
        }
    }
    assert_eq!(documented, routed);
}
