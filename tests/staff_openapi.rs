//! `docs/openapi.json` against the real server: it is the document served at
//! `/api/v1/openapi.json`, it is well formed (every `$ref` resolves, every operation answers
//! something), it lists exactly the API routes the server has, and each of them answers.
//! (The document is also checked against the OpenAPI 3.1 schema by tests/browser.)

mod staff_support;

use std::collections::BTreeSet;

use hub_kiosk::staff::routes;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use staff_support::Kiosk;

fn document() -> Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_well_formed() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            for p in path.split('/').filter(|s| s.starts_with('{')) {
                let name = p.trim_matches(['{', '}']);
                let declared = op["parameters"].as_array().is_some_and(|ps| {
                    ps.iter()
                        .any(|x| x["name"] == name && x["in"] == "path" && x["required"] == true)
                });
                assert!(
                    declared,
                    "{method} {path}: path parameter {name} not declared"
                );
            }
        }
    }
}

#[test]
fn the_document_lists_exactly_the_servers_api_routes() {
    let doc = document();
    let served: BTreeSet<(String, String)> = routes()
        .into_iter()
        .filter(|r| r.documented)
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let listed = documented(&doc);
    let missing: Vec<_> = served.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "served but not in docs/openapi.json: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "in docs/openapi.json but not served: {extra:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers_on_the_real_server() {
    let k = Kiosk::start_with(|c| hub_kiosk::courses::use_demo_timetable(c).unwrap()).await;
    let (status, served) = k.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, document());
    let id = k.walk_in(&["advisor"]).await;
    let session = k.hub.sessions_on(k.hub.today())[0].id.to_string();
    for (method, path) in documented(&document()) {
        let path = if path.starts_with("/api/v1/sessions/") {
            path.replace("{id}", &session)
        } else {
            path.replace("{id}", &id.to_string())
        };
        let body = match path.rsplit('/').next().unwrap() {
            "walk-ins" => json!({"needs": ["housing"]}),
            "transfer" => json!({"need": "money"}),
            "duty" => json!({"on_duty": true}),
            _ => json!({}),
        };
        let method: Method = method.parse().unwrap();
        let mut req = k.api(method.clone(), &path);
        if method == Method::POST {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        // Moves may be refused by the ticket's state (409), but the route must exist. A help
        // request is acknowledged by a person signed in, never an API token (403).
        let by_a_person = path.ends_with("/acknowledge") && status == StatusCode::FORBIDDEN;
        assert!(
            status.is_success() || status == StatusCode::CONFLICT || by_a_person,
            "{method} {path} → {status}: {}",
            if path.ends_with("/events") {
                String::new()
            } else {
                res.text().await.unwrap()
            }
        );
        if path.ends_with("/events") {
            assert_eq!(res.headers()["content-type"], "text/event-stream");
        }
    }
    k.stop().await;
}

/// The limits the server enforces are the ones the document states.
#[test]
fn the_document_states_the_limits_the_server_enforces() {
    let doc = document();
    let daily = &doc["paths"]["/api/v1/footfall/daily"]["get"];
    assert_eq!(
        daily["x-max-range-days"],
        json!(hub_kiosk::staff::api::MAX_DAYS)
    );
    let key = &doc["components"]["parameters"]["IdempotencyKey"]["schema"]["pattern"];
    let most = hub_kiosk::store::idempotency::MAX_KEY_LEN;
    assert_eq!(key, &json!(format!("^[A-Za-z0-9._:-]{{1,{most}}}$")));
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains(&format!("{} KiB", hub_kiosk::staff::BODY_LIMIT / 1024))
    );
    let catalogue = hub_kiosk::domain::Catalogue::life_rooms();
    let needs = &doc["components"]["schemas"]["WalkIn"]["properties"]["needs"];
    let ids: Vec<&str> = catalogue.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(needs["items"]["enum"], json!(ids));
}
