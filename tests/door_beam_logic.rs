//! The door's beam logic driven by scripted edge sequences: people in and out, aborted
//! crossings, bounces inside the debounce time, and a beam blocked too long.

use std::time::Duration;

use hub_kiosk::domain::footfall::Direction::{self, In, Out};
use hub_kiosk::hardware::{Beam, BeamCounter, BeamSettings};

const A: Beam = Beam::A;
const B: Beam = Beam::B;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn settings(dual: bool) -> BeamSettings {
    BeamSettings {
        dual,
        debounce: ms(15),
        blocked_fault: Duration::from_secs(10),
    }
}

/// Plays `(time ms, beam, broken)` edges from a clear start at 1000 ms, then a tick a second
/// after the last; returns everyone counted.
fn play(dual: bool, edges: &[(u64, Beam, bool)]) -> Vec<Direction> {
    let mut c = BeamCounter::new(settings(dual), [false, false], ms(1000));
    let mut out = Vec::new();
    for &(t, beam, broken) in edges {
        out.extend(c.edge(beam, broken, ms(1000 + t)));
    }
    let end = edges.last().map_or(0, |e| e.0) + 1000;
    out.extend(c.tick(ms(1000 + end)));
    out
}

/// One person walking through two beams at a normal pace, starting at `t`.
fn walk(t: u64, first: Beam, second: Beam) -> Vec<(u64, Beam, bool)> {
    vec![
        (t, first, true),
        (t + 80, second, true),
        (t + 230, first, false),
        (t + 310, second, false),
    ]
}

#[test]
fn one_beam_counts_every_break_as_in() {
    let mut edges = vec![(0, A, true), (180, A, false)];
    edges.extend([
        (2000, A, true),
        (2150, A, false),
        (2400, A, true),
        (2600, A, false),
    ]);
    assert_eq!(play(false, &edges), vec![In, In, In]);
}

#[test]
fn one_beam_counts_when_the_break_has_held_not_at_the_first_edge() {
    let mut c = BeamCounter::new(settings(false), [false, false], ms(0));
    assert!(c.edge(A, true, ms(100)).is_empty());
    assert!(c.tick(ms(114)).is_empty(), "14 ms is inside the debounce");
    assert_eq!(c.tick(ms(115)), vec![In]);
    assert!(c.tick(ms(5000)).is_empty(), "one break, one person");
}

#[test]
fn two_beams_outer_first_is_in_inner_first_is_out() {
    assert_eq!(play(true, &walk(0, A, B)), vec![In]);
    assert_eq!(play(true, &walk(0, B, A)), vec![Out]);
    let mut day = walk(0, A, B);
    day.extend(walk(1000, B, A));
    day.extend(walk(2000, A, B));
    assert_eq!(play(true, &day), vec![In, Out, In]);
}

#[test]
fn a_person_who_wavers_between_the_beams_still_counts_once() {
    // 00 → 10 → 11 → 01 → 11 → 01 → 00
    let edges = [
        (0, A, true),
        (80, B, true),
        (200, A, false),
        (300, A, true),
        (400, A, false),
        (500, B, false),
    ];
    assert_eq!(play(true, &edges), vec![In]);
}

#[test]
fn aborted_crossings_are_discarded() {
    // Steps into the outer beam and back out: 00 → 10 → 00.
    assert!(play(true, &[(0, A, true), (200, A, false)]).is_empty());
    // Reaches both beams, then turns back: 00 → 10 → 11 → 10 → 00.
    let back = [
        (0, A, true),
        (80, B, true),
        (250, B, false),
        (400, A, false),
    ];
    assert!(play(true, &back).is_empty());
    // Leaves by the side it came, after crossing to the inner beam: 10 → 11 → 01 → 11 → 10 → 00.
    let turned = [
        (0, A, true),
        (80, B, true),
        (200, A, false),
        (300, A, true),
        (400, B, false),
        (500, A, false),
    ];
    assert!(play(true, &turned).is_empty());
    // Only the inner beam, from inside: 00 → 01 → 00.
    assert!(play(true, &[(0, B, true), (150, B, false)]).is_empty());
    // Something passes one beam then the other without ever breaking both: 10 → 00 → 01 → 00.
    let apart = [
        (0, A, true),
        (50, A, false),
        (120, B, true),
        (170, B, false),
    ];
    assert!(play(true, &apart).is_empty());
    // After an aborted crossing the next full one still counts.
    let mut then = back.to_vec();
    then.extend(walk(1000, A, B));
    assert_eq!(play(true, &then), vec![In]);
}

#[test]
fn bounces_inside_the_debounce_time_change_nothing() {
    // Each beam chatters for a few ms on every change; the walk still counts once, in.
    let edges = [
        (0, A, true),
        (2, A, false),
        (4, A, true),
        (80, B, true),
        (83, B, false),
        (85, B, true),
        (230, A, false),
        (233, A, true),
        (236, A, false),
        (310, B, false),
        (311, B, true),
        (314, B, false),
    ];
    assert_eq!(play(true, &edges), vec![In]);
    // With one beam, a chattering break is one person.
    let single = [
        (0, A, true),
        (3, A, false),
        (6, A, true),
        (9, A, false),
        (12, A, true),
        (200, A, false),
        (205, A, true),
        (208, A, false),
    ];
    assert_eq!(play(false, &single), vec![In]);
}

#[test]
fn a_glitch_shorter_than_the_debounce_is_not_a_person() {
    assert!(play(false, &[(0, A, true), (10, A, false)]).is_empty());
    assert!(
        play(
            true,
            &[(0, A, true), (10, A, false), (20, B, true), (30, B, false)]
        )
        .is_empty()
    );
    // A glitch on the inner beam in the middle of a crossing does not spoil it.
    let mut edges = walk(0, A, B);
    edges.insert(1, (40, B, true));
    edges.insert(2, (45, B, false));
    assert_eq!(play(true, &edges), vec![In]);
}

#[test]
fn a_beam_blocked_too_long_is_a_fault_that_clears_with_the_beam() {
    let mut c = BeamCounter::new(settings(true), [false, false], ms(0));
    assert!(c.edge(A, true, ms(1000)).is_empty());
    c.tick(ms(10_999));
    assert_eq!(c.fault(), None, "just under 10 s");
    c.tick(ms(11_000));
    let fault = c.fault().expect("blocked for 10 s");
    assert!(
        fault.contains("beam A blocked for more than 10 s"),
        "{fault}"
    );
    // A bounce does not clear it; a clear that holds does.
    c.edge(A, false, ms(20_000));
    c.edge(A, true, ms(20_005));
    c.tick(ms(20_100));
    assert!(c.fault().is_some());
    c.edge(A, false, ms(30_000));
    c.tick(ms(30_020));
    assert_eq!(c.fault(), None);
    // Nobody was counted: the crossing never reached the inner beam.
    assert_eq!(c.tick(ms(40_000)), vec![]);
}

#[test]
fn both_beams_blocked_are_named_together_and_a_long_crossing_still_counts() {
    let mut c = BeamCounter::new(settings(true), [false, false], ms(0));
    c.edge(A, true, ms(0));
    c.edge(B, true, ms(100));
    c.tick(ms(12_000));
    let fault = c.fault().unwrap();
    assert!(fault.starts_with("beams A and B blocked"), "{fault}");
    // Someone holding the door in both beams, then going in.
    c.edge(A, false, ms(12_500));
    c.tick(ms(12_600));
    assert!(c.fault().unwrap().starts_with("beam B blocked"));
    assert_eq!(c.edge(B, false, ms(12_700)), vec![]);
    assert_eq!(c.tick(ms(12_800)), vec![In]);
    assert_eq!(c.fault(), None);
}

#[test]
fn with_one_beam_the_unused_inner_beam_never_faults() {
    let mut c = BeamCounter::new(settings(false), [false, true], ms(0));
    c.tick(ms(60_000));
    assert_eq!(c.fault(), None);
}

#[test]
fn a_crossing_already_under_way_at_start_is_not_counted() {
    let mut c = BeamCounter::new(settings(true), [true, true], ms(0));
    let mut out = c.edge(A, false, ms(100));
    out.extend(c.edge(B, false, ms(200)));
    out.extend(c.tick(ms(1000)));
    assert!(out.is_empty());
    // The next one is.
    for (t, beam, broken) in walk(2000, A, B) {
        out.extend(c.edge(beam, broken, ms(t)));
    }
    out.extend(c.tick(ms(5000)));
    assert_eq!(out, vec![In]);
}

#[test]
fn edges_arriving_late_are_taken_at_the_latest_time_seen() {
    let mut c = BeamCounter::new(settings(false), [false, false], ms(0));
    c.tick(ms(500));
    // Stamped before the last tick: taken as happening at 500 ms, still counted once.
    c.edge(A, true, ms(300));
    assert_eq!(c.tick(ms(514)), vec![]);
    assert_eq!(c.tick(ms(515)), vec![In]);
}

#[test]
fn the_next_deadline_is_the_debounce_then_the_blocked_fault_then_none() {
    let mut c = BeamCounter::new(settings(true), [false, false], ms(1000));
    assert_eq!(
        c.next_deadline(),
        None,
        "clear beams: nothing until an edge"
    );
    c.edge(A, true, ms(2000));
    assert_eq!(
        c.next_deadline(),
        Some(ms(2015)),
        "the break holds after the debounce"
    );
    c.tick(ms(2015));
    assert_eq!(
        c.next_deadline(),
        Some(ms(12_000)),
        "a beam held broken becomes a fault"
    );
    c.tick(ms(12_000));
    assert!(c.fault().is_some());
    assert_eq!(
        c.next_deadline(),
        None,
        "the fault is raised: nothing more to wait for"
    );
    c.edge(A, false, ms(13_000));
    assert_eq!(c.next_deadline(), Some(ms(13_015)));
    c.tick(ms(13_015));
    assert_eq!(c.next_deadline(), None);
    assert!(c.fault().is_none());
}
