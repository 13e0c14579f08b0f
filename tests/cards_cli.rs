//! The card commands as the office uses them, through the real binary: keygen → issue → verify,
//! the printed PNG read back by a QR decoder, and every reason a card is refused.

mod cards_common;

use std::os::unix::fs::PermissionsExt;

use cards_common::{hub_kiosk, read_png, text};

#[test]
fn keygen_issue_verify_round_trip_and_the_png_reads_back_as_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let keys = d.join("keys");
    let out = hub_kiosk(&[
        "card",
        "keygen",
        "--dir",
        keys.to_str().unwrap(),
        "--id",
        "K7",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let private = keys.join("card-K7.key");
    let public = keys.join("card-K7.pub");
    let mode = std::fs::metadata(&private).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "private key mode {mode:o}");
    let public_b64 = std::fs::read_to_string(&public).unwrap().trim().to_owned();
    assert!(text(&out.stdout).contains(&format!(
        "keys = [ {{ id = \"K7\", public_key = \"{public_b64}\" }} ]"
    )));

    // Never overwritten.
    let before = std::fs::read(&private).unwrap();
    let again = hub_kiosk(&[
        "card",
        "keygen",
        "--dir",
        keys.to_str().unwrap(),
        "--id",
        "K7",
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("never overwritten"));
    assert_eq!(std::fs::read(&private).unwrap(), before);

    let (svg, png) = (d.join("card.svg"), d.join("card.png"));
    let issued = hub_kiosk(&[
        "card",
        "issue",
        "--key",
        private.to_str().unwrap(),
        "--member",
        "M-001234",
        "--hub",
        "The Life Rooms Walton",
        "--svg",
        svg.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
    ]);
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    let card = text(&issued.stdout).trim_end_matches('\n').to_owned();
    assert!(card.starts_with("HK1:") && !card.contains('\n'), "{card}");

    // The printed card: credit-card size at 300 dpi, and its QR code is the card's text.
    let printed = read_png(&png);
    assert_eq!(printed.size, (1011, 638));
    assert_eq!(printed.pixels_per_metre, Some(11_811));
    assert_eq!(printed.codes, vec![card.clone()]);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.contains("width=\"85.6mm\" height=\"54mm\""));
    assert!(svg.contains("The Life Rooms Walton") && svg.contains(">M-001234<"));

    let pub_path = public.to_str().unwrap();
    let ok = hub_kiosk(&["card", "verify", "--public-key", pub_path, &card]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "M-001234\n");

    // The text can come on stdin, as a scanner typing into a terminal sends it.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["card", "verify", "--public-key", pub_path, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        format!("{card}\r\n").as_bytes(),
    )
    .unwrap();
    let piped = child.wait_with_output().unwrap();
    assert!(piped.status.success());
    assert_eq!(text(&piped.stdout), "M-001234\n");

    // Two years from today by default: still valid in a year, expired in three.
    let on =
        |days: i64| (chrono::Local::now().date_naive() + chrono::Duration::days(days)).to_string();
    let later = hub_kiosk(&[
        "card",
        "verify",
        "--public-key",
        pub_path,
        "--on",
        &on(365),
        &card,
    ]);
    assert!(later.status.success());
    let expired = hub_kiosk(&[
        "card",
        "verify",
        "--public-key",
        pub_path,
        "--on",
        &on(3 * 365),
        &card,
    ]);
    assert_eq!(expired.status.code(), Some(1));
    assert!(
        text(&expired.stderr).contains("card refused: expired"),
        "{}",
        text(&expired.stderr)
    );

    // Through a kiosk configuration, with the member revoked.
    let config = d.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[site]\nid = \"walton\"\nname = \"Walton\"\n[cards]\nkeys = [ {{ id = \"K7\", public_key = \"{public_b64}\" }} ]\nrevoked = [\"M-001234#1\"]\n"
        ),
    )
    .unwrap();
    let revoked = hub_kiosk(&[
        "card",
        "verify",
        "--config",
        config.to_str().unwrap(),
        &card,
    ]);
    assert_eq!(revoked.status.code(), Some(1));
    assert!(text(&revoked.stderr).contains("card refused: revoked: card M-001234#1"));

    // A second key: the card is not its, by id or by signature.
    let other = hub_kiosk(&[
        "card",
        "keygen",
        "--dir",
        keys.to_str().unwrap(),
        "--id",
        "K8",
    ]);
    assert!(other.status.success());
    let other_pub = keys.join("card-K8.pub");
    let unknown = hub_kiosk(&[
        "card",
        "verify",
        "--public-key",
        other_pub.to_str().unwrap(),
        &card,
    ]);
    assert!(
        text(&unknown.stderr)
            .contains("card refused: unknown key: it says it was signed with key K7")
    );
    let forged = hub_kiosk(&[
        "card",
        "verify",
        "--public-key",
        other_pub.to_str().unwrap(),
        "--key-id",
        "K7",
        &card,
    ]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(text(&forged.stderr).contains("card refused: bad signature"));
    for junk in ["hello", "-rf", "HK1:ZZZZ", ""] {
        let bad = hub_kiosk(&["card", "verify", "--public-key", pub_path, junk]);
        assert_eq!(bad.status.code(), Some(1), "{junk}");
        assert!(
            text(&bad.stderr).contains("card refused: malformed"),
            "{junk}"
        );
    }
}

#[test]
fn issue_refuses_what_it_cannot_print_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        hub_kiosk(&["card", "keygen", "--dir", d.to_str().unwrap()])
            .status
            .success()
    );
    let key = d.join("card-K1.key");
    let svg = d.join("x.svg");
    for (args, message) in [
        (vec!["--member", "Jane Smith"], "never a name"),
        (vec!["--member", "m-7"], "did you mean M-7?"),
        (
            vec!["--member", "M-7", "--expires", "2001-01-01"],
            "in the past",
        ),
        (
            vec!["--member", "M-7", "--svg", svg.to_str().unwrap()],
            "--hub",
        ),
    ] {
        let mut all = vec!["card", "issue", "--key", key.to_str().unwrap()];
        all.extend(args);
        let out = hub_kiosk(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty());
    }
    assert!(!svg.exists());
    let public = d.join("card-K1.pub");
    let out = hub_kiosk(&[
        "card",
        "issue",
        "--key",
        public.to_str().unwrap(),
        "--member",
        "M-7",
    ]);
    assert!(text(&out.stderr).contains("not a private key file"));
}

#[test]
fn check_config_refuses_the_demo_card_key_outside_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.toml");
    let demo_key = hub_kiosk_demo_key();
    std::fs::write(
        &file,
        format!("[site]\nid = \"x\"\nname = \"X\"\n\n[cards]\nkeys = [ {{ id = \"D1\", public_key = \"{demo_key}\" }} ]\n"),
    )
    .unwrap();
    let out = hub_kiosk(&["check-config", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 6") && err.contains("demo card key"),
        "{err}"
    );
}

fn hub_kiosk_demo_key() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/demo-cards/card-D1.pub"
    ))
    .unwrap()
    .trim()
    .to_owned()
}
