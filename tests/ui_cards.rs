//! Membership cards at the screen, typed by a keyboard-wedge scanner (key events ending in
//! Enter, no text field): a valid card goes straight to the needs screen greeting the member by
//! number and checks in as that member; a forged and an expired card each get a calm message
//! and the anonymous way on; the same card again soon after is told it already checked in.

mod ui_support;

use hub_kiosk::ui::{Notice, Screen};
use ui_support::{EXPIRED_CARD, Kiosk, VALID_CARD, run, until};

#[test]
fn cards_scanned_at_the_screen() {
    run(|| async {
        let k = Kiosk::new(|_| {});
        let api = k.ui.api();

        // Valid: greeted by number (never a name), checked in as the member.
        k.type_line(VALID_CARD);
        until("the member's needs screen", || {
            api.get_screen() == Screen::Needs
        })
        .await;
        assert_eq!(api.get_member(), "M-1001");
        assert_eq!(api.get_notice_kind(), Notice::None);
        k.tap("need-money");
        k.tap("done");
        until("the done screen", || api.get_screen() == Screen::Done).await;
        assert_eq!(api.get_ticket(), "A 001");
        assert_eq!(
            k.count("SELECT count(*) FROM checkin WHERE member_id = 'M-1001' AND source = 'card'"),
            1
        );
        k.tap("finish");
        assert_eq!(api.get_member(), "", "the member is forgotten");

        // The same card again: it already checked in; no second check-in, no dead end.
        k.type_line(VALID_CARD);
        until("the repeat notice", || {
            api.get_notice_kind() == Notice::CardRepeat
        })
        .await;
        assert_eq!(api.get_screen(), Screen::Welcome);
        assert_eq!(api.get_member(), "");
        assert!(
            k.find("notice")
                .accessible_label()
                .unwrap()
                .contains("checked in")
        );

        // Forged: one character of the signature changed.
        let mut forged = VALID_CARD.to_owned();
        forged.pop();
        forged.push(if VALID_CARD.ends_with('A') { 'B' } else { 'A' });
        k.type_line(&forged);
        until("the refused notice", || {
            api.get_notice_kind() == Notice::CardRefused
        })
        .await;
        assert_eq!(api.get_screen(), Screen::Needs, "carries on anonymously");
        assert_eq!(api.get_member(), "");
        k.tap("need-visiting");
        until("the done screen", || api.get_screen() == Screen::Done).await;
        assert_eq!(
            k.count(
                "SELECT count(*) FROM checkin WHERE member_id IS NULL AND source = 'touchscreen'"
            ),
            1
        );
        k.tap("finish");

        // Expired: said plainly, and the anonymous way on.
        k.type_line(EXPIRED_CARD);
        until("the expired notice", || {
            api.get_notice_kind() == Notice::CardExpired
        })
        .await;
        assert_eq!(api.get_screen(), Screen::Needs);
        assert_eq!(api.get_member(), "");
        assert!(
            k.find("notice")
                .accessible_label()
                .unwrap()
                .contains("expired")
        );

        assert_eq!(k.count("SELECT count(*) FROM checkin"), 2);
    });
}
