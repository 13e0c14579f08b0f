//! Attendance at Recovery College sessions at the central service, over real HTTP on 127.0.0.1
//! with a real SQLite file: a kiosk not yet updated (format 1) is still taken; format 2 carries
//! attendance, and course titles when the site forwards them, shown per day and per site in the
//! CSV, the JSON and the pages; titles are bounded and never repeated in an answer.

mod sync_support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sync_support::fixture::*;
use sync_support::*;

fn v2(database: &str, buckets: Value) -> Value {
    let mut up = upload(database, buckets);
    up["version"] = json!(2);
    up
}

fn with_courses(hour: &str, revision: i64, courses: Value) -> Value {
    let mut b = bucket(hour, revision, 5);
    let total: i64 = courses
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_i64).sum());
    b["counts"]["attendance"] = json!(total);
    b["counts"]["courses"] = courses;
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_not_yet_updated_is_still_taken() {
    let f = fixture().await;
    let (status, body) = f
        .put(
            KIOSK_TOKEN,
            &upload("old", json!([bucket("2026-11-23T10:00:00Z", 1, 4)])),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], 1);
    assert_eq!(f.door_in("2026-11-23T10:00:00Z"), 4);
    let hours = central_hours(&f.central.central);
    assert_eq!(hours[0].1.attendance, 0);
    assert!(hours[0].1.courses.is_empty());
    let mut v3 = upload("old", json!([]));
    v3["version"] = json!(3);
    let (status, body) = f.put(KIOSK_TOKEN, &v3).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"].as_str().unwrap().contains("takes 1 to 2"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attendance_per_course_shows_per_day_and_per_site() {
    let f = fixture().await;
    let buckets = json!([
        with_courses(
            "2026-11-23T10:00:00Z",
            1,
            json!({"Managing anxiety": 6, "Creative writing, part 2": 3})
        ),
        with_courses("2026-11-23T13:00:00Z", 1, json!({"Managing anxiety": 2})),
    ]);
    let (status, body) = f.put(KIOSK_TOKEN, &v2("new", buckets)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A site that forwards totals only: attendance without titles.
    let mut totals = bucket("2026-11-23T11:00:00Z", 1, 1);
    totals["counts"]["attendance"] = json!(7);
    let mut up = v2("b", json!([totals]));
    up["site"] = json!("bootle");
    let (status, body) = f.put("kiosk-token-bootle-entrance-0123456789", &up).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let range = "from=2026-11-23&to=2026-11-23";
    let csv = f
        .get(
            Some(READER_TOKEN),
            &format!("/api/v1/footfall/daily?{range}&format=csv"),
        )
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].contains(
            ",attendance,\"course:Creative writing, part 2\",course:Managing anxiety,dropins_joined"
        ),
        "{csv}"
    );
    let walton = lines.iter().find(|l| l.starts_with("walton,")).unwrap();
    assert!(walton.contains(",11,3,8,"), "{walton}");
    let bootle = lines.iter().find(|l| l.starts_with("bootle,")).unwrap();
    assert!(bootle.contains(",7,0,0,"), "{bootle}");
    let json: Value = f
        .get(
            Some(READER_TOKEN),
            &format!("/api/v1/footfall/daily?site=walton&{range}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let counts = &json["sites"][0]["days"][0]["counts"];
    assert_eq!(counts["attendance"], 11, "{json}");
    assert_eq!(counts["courses"]["Managing anxiety"], 8, "{json}");
    let page = f
        .get(Some(READER_TOKEN), &format!("/sites/walton?{range}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<th scope=\"col\">Course: Managing anxiety</th>"),
        "{page}"
    );
    assert!(
        page.contains("<th scope=\"col\">Attendance at sessions</th>"),
        "{page}"
    );
    let overview = f
        .get(Some(READER_TOKEN), &format!("/?{range}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(overview.contains("Attendance at sessions"), "{overview}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn course_titles_are_bounded_and_never_repeated() {
    let f = fixture().await;
    let hour = "2026-11-23T10:00:00Z";
    let long = "x".repeat(121);
    let secret = "1:1 with Sam\u{0007}";
    let many: serde_json::Map<String, Value> = (0..101)
        .map(|i| (format!("Course {i}"), json!(0)))
        .collect();
    let mut over = with_courses(hour, 1, json!({"Managing anxiety": 5}));
    over["counts"]["attendance"] = json!(4);
    for (b, field) in [
        (
            with_courses(hour, 1, json!({long.clone(): 1})),
            "counts.courses[0]",
        ),
        (
            with_courses(hour, 1, json!({secret: 1})),
            "counts.courses[0]",
        ),
        (with_courses(hour, 1, Value::Object(many)), "counts.courses"),
        (over, "counts.courses"),
    ] {
        let (status, body) = f.put(KIOSK_TOKEN, &v2("d", json!([b]))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problems = body["problems"].as_array().unwrap();
        assert!(problems.iter().any(|p| p["field"] == field), "{body}");
        let text = body.to_string();
        assert!(!text.contains(&long) && !text.contains("Sam"), "{text}");
    }
    assert!(
        central_hours(&f.central.central).is_empty(),
        "nothing stored"
    );
}

#[test]
fn the_document_states_the_course_limits_and_both_versions() {
    use hub_kiosk::central::validate::{LONGEST_TITLE, MOST_COURSES};
    let doc: Value = serde_json::from_str(hub_kiosk::central::api::OPENAPI).unwrap();
    let counts = &doc["components"]["schemas"]["Counts"]["properties"];
    assert_eq!(counts["courses"]["maxProperties"], json!(MOST_COURSES));
    let names = counts["courses"]["propertyNames"]["pattern"]
        .as_str()
        .unwrap();
    assert!(
        names.ends_with(&format!("{{1,{LONGEST_TITLE}}}$")),
        "{names}"
    );
    let versions = &doc["components"]["schemas"]["Upload"]["properties"]["version"]["enum"];
    assert_eq!(
        versions,
        &json!([
            hub_kiosk::sync::wire::OLDEST_VERSION,
            hub_kiosk::sync::wire::FORMAT_VERSION
        ])
    );
}
