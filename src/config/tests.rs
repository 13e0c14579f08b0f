use super::*;

/// The example with its TLS files made in `dir` (the appliance makes them at first boot).
pub(super) fn example_in(dir: &Path) -> String {
    let req = crate::web::certificate::Request {
        names: vec!["kiosk-test.local".into()],
        self_signed: true,
        days: 30,
        force: true,
    };
    crate::web::certificate::make(dir, &req).unwrap();
    EXAMPLE.replace("/etc/hub-kiosk/tls/", &format!("{}/", dir.display()))
}

#[test]
fn the_example_and_the_demo_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let example = Config::parse(&example_in(dir.path()), "example.toml").unwrap();
    assert!(example.warnings.is_empty(), "{:?}", example.warnings);
    assert_eq!(example.kiosk.audit_days, 400);
    assert_eq!(example.site.id, "walton");
    assert_eq!(example.catalogue.len(), 9);
    assert!(!example.demo);
    let demo = Config::demo();
    assert!(demo.demo);
    assert_eq!(demo.staff.logins.len(), 3);
    assert_eq!(example.help.crisis_numbers.len(), 3);
    assert_eq!(example.help.crisis_numbers, help::uk_crisis_numbers());
    assert_eq!(demo.help.crisis_numbers, help::uk_crisis_numbers());
    assert_eq!(example.queue.closing_grace_minutes, 30);
    assert_eq!(
        demo.sync.central_url.as_deref(),
        Some("http://127.0.0.1:8090")
    );
}

#[test]
fn a_minimal_file_gets_the_defaults() {
    let c = Config::parse("[site]\nid = \"bootle\"\nname = \"Bootle\"\n", "k.toml").unwrap();
    assert_eq!(c.catalogue, Catalogue::life_rooms());
    assert_eq!(c.hours, OpeningHours::default());
    assert_eq!(c.kiosk.retention_days, 30);
    assert_eq!(c.kiosk.audit_days, 400);
    assert!(c.staff.listen.ip().is_loopback(), "{}", c.staff.listen);
    assert_eq!(c.display.idle_reset_seconds, 45);
    assert_eq!(c.timezone, chrono_tz::Europe::London);
}

fn error_of(text: &str) -> ConfigError {
    Config::parse(text, "k.toml").unwrap_err()
}

#[test]
fn a_wrong_type_names_the_line_and_key() {
    let text = EXAMPLE.replace("retention_days = 30", "retention_days = \"thirty\"");
    let e = error_of(&text);
    let line = EXAMPLE
        .lines()
        .position(|l| l.starts_with("retention_days"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(e.key.as_deref(), Some("retention_days"));
    assert!(
        e.to_string()
            .starts_with(&format!("k.toml, line {line}, `retention_days`: ")),
        "{e}"
    );
}

#[test]
fn an_unknown_key_is_refused_with_its_line() {
    let text = EXAMPLE.replace("idle_reset_seconds = 45", "idle_reset_secs = 45");
    let e = error_of(&text);
    let line = EXAMPLE
        .lines()
        .position(|l| l.starts_with("idle_reset_seconds"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.message.contains("unknown field `idle_reset_secs`"), "{e}");
}

#[test]
fn cross_checks_name_line_and_key() {
    let text = EXAMPLE.replace("amber_minutes = 20", "amber_minutes = 50");
    let e = error_of(&text);
    let line = EXAMPLE
        .lines()
        .position(|l| l.starts_with("amber_minutes"))
        .unwrap()
        + 1;
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(line), Some("queue.amber_minutes")),
        "{e}"
    );

    let text = EXAMPLE.replace(
        "timezone = \"Europe/London\"",
        "timezone = \"Mars/Olympus\"",
    );
    let e = error_of(&text);
    assert_eq!(e.key.as_deref(), Some("site.timezone"));
    assert!(e.message.contains("Mars/Olympus"), "{e}");
}

#[test]
fn a_duplicate_need_points_at_the_second_one() {
    let text = EXAMPLE.replace("id = \"housing\"", "id = \"advisor\"");
    let e = error_of(&text);
    let line = EXAMPLE
        .lines()
        .position(|l| l == "id = \"housing\"")
        .unwrap()
        + 1;
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(line), Some("needs.1.id")),
        "{e}"
    );
    assert!(e.message.contains("listed twice"));
}

#[test]
fn bad_opening_hours_say_what_to_write() {
    let e = error_of(&EXAMPLE.replace("tuesday = \"09:30-16:30\"", "tuesday = \"9 till 5\""));
    assert!(e.message.contains("\"09:30-16:30\" or \"closed\""), "{e}");
    assert!(e.line.is_some());
}

#[test]
fn the_demo_secrets_are_refused_outside_the_demo() {
    let hash = DEMO.lines().find(|l| l.contains("passcode_hash")).unwrap();
    let hash = hash.split('"').nth(3).unwrap();
    let text = format!(
        "[site]\nid = \"x\"\nname = \"X\"\n[staff]\nlogins = [ {{ name = \"A\", passcode_hash = \"{hash}\" }} ]\n"
    );
    let e = error_of(&text);
    assert_eq!(e.key.as_deref(), Some("staff.logins.0.passcode_hash"));
    assert!(e.message.contains("demo passcode"), "{e}");

    let text = format!(
        "[site]\nid = \"x\"\nname = \"X\"\n[staff]\napi_tokens = [ {{ name = \"a\", token = \"{DEMO_API_TOKEN}\" }} ]\n"
    );
    assert!(error_of(&text).message.contains("demo API token"));

    let text = format!(
        "[site]\nid = \"x\"\nname = \"X\"\n[sync]\ncentral_url = \"http://c:8090\"\ntoken = \"{DEMO_CENTRAL_TOKEN}\"\n"
    );
    assert!(error_of(&text).message.contains("demo token"));
}

#[test]
fn a_missing_file_says_how_to_start_one() {
    let e = Config::load(Path::new("/nonexistent/kiosk.toml")).unwrap_err();
    assert!(e.to_string().contains("hub-kiosk config example"), "{e}");
}

fn line_of(text: &str, start: &str) -> usize {
    text.lines().position(|l| l.starts_with(start)).unwrap() + 1
}

#[test]
fn the_network_without_tls_is_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let example = example_in(dir.path());
    let tls_line = example.lines().find(|l| l.starts_with("tls = ")).unwrap();
    let plain = example.replace(tls_line, "");
    let e = error_of(&plain);
    assert_eq!(e.key.as_deref(), Some("staff.listen"), "{e}");
    assert_eq!(e.line, Some(line_of(&plain, "listen = ")), "{e}");
    assert!(e.message.contains("hub-kiosk staff tls"), "{e}");

    let opted_out = plain.replace("# allow_plain_http = false", "allow_plain_http = true");
    let c = Config::parse(&opted_out, "k.toml").unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    let w = c.warnings[0].to_string();
    let line = line_of(&opted_out, "allow_plain_http");
    assert!(
        w.starts_with(&format!(
            "k.toml, line {line}, `staff.allow_plain_http`: plain HTTP on 0.0.0.0:8080"
        )),
        "{w}"
    );

    let local = plain.replace("listen = \"0.0.0.0:8080\"", "listen = \"127.0.0.1:8080\"");
    assert!(Config::parse(&local, "k.toml").unwrap().warnings.is_empty());

    let missing = EXAMPLE.to_owned();
    let e = error_of(&missing);
    assert_eq!(e.key.as_deref(), Some("staff.tls.certificate"), "{e}");
    assert!(e.message.contains("hub-kiosk staff tls"), "{e}");
}

#[test]
fn listen_from_the_command_line_meets_the_same_rule() {
    let mut c = Config::parse("[site]\nid = \"x\"\nname = \"X\"\n", "k.toml").unwrap();
    let e = c.set_listen("0.0.0.0:8080".parse().unwrap()).unwrap_err();
    assert!(e.to_string().starts_with("--listen: "), "{e}");
    c.staff.allow_plain_http = true;
    c.set_listen("0.0.0.0:8080".parse().unwrap()).unwrap();
    assert_eq!(c.warnings.len(), 1);
    c.set_listen("127.0.0.1:9000".parse().unwrap()).unwrap();
    assert!(c.warnings.is_empty());
}

#[test]
fn logins_name_people_with_a_role() {
    let hash = crate::web::passcode::hash("7305");
    let text = format!(
        "[site]\nid = \"x\"\nname = \"X\"\n[staff]\nlogins = [\n  {{ name = \"Sam Patel\", role = \"manager\", passcode_hash = \"{hash}\" }},\n  {{ name = \"Desk 1\", passcode_hash = \"{hash}\" }},\n]\n"
    );
    let c = Config::parse(&text, "k.toml").unwrap();
    assert_eq!(c.staff.logins[0].role, Role::Manager);
    assert_eq!(c.staff.logins[1].role, Role::Advisor);
    // An old file with a desk login still loads, with a warning that says what to do.
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert_eq!(c.warnings[0].key, "staff.logins.1.name");
    assert_eq!(c.warnings[0].line, Some(7));
    assert!(c.warnings[0].message.contains("names a desk, not a person"));
    let e = error_of(&text.replace("\"manager\"", "\"boss\""));
    assert!(e.message.contains("unknown variant `boss`"), "{e}");
    assert!(Config::demo().warnings.is_empty());
}

#[test]
fn help_closing_remit_and_display_keys_are_checked_with_their_line() {
    let e = error_of(&EXAMPLE.replace("escalation_seconds = 60", "escalation_seconds = 5"));
    assert_eq!(e.key.as_deref(), Some("help.escalation_seconds"), "{e}");
    let line = EXAMPLE
        .lines()
        .position(|l| l.starts_with("escalation_seconds"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line));

    let e = error_of(&EXAMPLE.replace("number = { en = \"999\" }", "number = { pl = \"999\" }"));
    assert_eq!(
        e.key.as_deref(),
        Some("help.crisis_numbers.0.number"),
        "{e}"
    );
    assert!(e.message.contains("English number"), "{e}");

    let e = error_of(&EXAMPLE.replace("closing_grace_minutes = 30", "closing_grace_minutes = 900"));
    assert_eq!(e.key.as_deref(), Some("queue.closing_grace_minutes"), "{e}");

    let hash =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$YXfjbDyUh71gG1J9Tqo9y/jUQb3ofWgHXFrTUIyA+gs";
    let remit = |needs: &str| {
        format!(
            "[site]\nid = \"x\"\nname = \"X\"\n[staff]\nlogins = [\n  {{ name = \"A\", passcode_hash = \"{hash}\", needs = [{needs}] }},\n]\n"
        )
    };
    let e = error_of(&remit("\"housing\", \"courses\""));
    assert_eq!(e.key.as_deref(), Some("staff.logins.0.needs.1"), "{e}");
    assert_eq!(e.line, Some(6));
    assert!(e.message.contains("`courses` is not a drop-in need"), "{e}");
    let ok = Config::parse(&remit("\"housing\""), "k.toml").unwrap();
    assert_eq!(ok.staff.logins[0].needs[0].as_str(), "housing");

    let display =
        |t: &str| format!("[site]\nid = \"x\"\nname = \"X\"\n[staff]\ndisplay_token = \"{t}\"\n");
    assert!(
        error_of(&display(DEMO_DISPLAY_TOKEN))
            .message
            .contains("demo display token")
    );
    assert!(error_of(&display("short")).message.contains("at least 22"));
    assert!(
        error_of(&display("with spaces in it 0123456789"))
            .message
            .contains("at least 22")
    );
    let c = Config::parse(&display("0123456789abcdef0123456789abcdef"), "k.toml").unwrap();
    assert!(c.staff.display_token.is_some());
}
