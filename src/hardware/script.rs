//! The simulator's line protocol, parsed without I/O. One command per line (`docs/hardware.md`
//! has the full table):
//!
//! ```text
//! in [N] | out [N]       N people (default 1) counted at once, bypassing the beams
//! walk in | walk out     one person crossing the beams, as timed edges through the logic
//! a 1 | a 0 | b 1 | b 0  beam A (outer) or B (inner) broken (1) or clear (0)
//! blocked | clear        beam A broken / every beam clear
//! wait MS                the next line happens MS milliseconds later
//! # a comment            ignored, like blank lines
//! ```

use std::time::Duration;

use super::Beam;
use crate::domain::footfall::Direction;

/// Most people one line may count.
pub const MAX_COUNT: u32 = 1000;
/// Longest `wait`.
pub const MAX_WAIT: Duration = Duration::from_secs(600);

/// Milliseconds after a `walk` before the next line, so two walks are two people.
const GAP: u64 = 100;

/// One thing the simulator does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Pass(Direction, u32),
    Beam(Beam, bool),
    Wait(Duration),
}

/// What a line may say, for error messages.
const HELP: &str = "write `in`, `out`, `in 3`, `walk in`, `walk out`, `a 1`, `a 0`, `b 1`, `b 0`, `blocked`, `clear` or `wait 200`";

/// The steps of one line; empty for blank lines and comments. `dual`: the simulated sensor has
/// two beams (it decides what `walk` and `clear` do).
pub fn parse(line: &str, dual: bool) -> Result<Vec<Step>, String> {
    let line = line.split('#').next().unwrap_or("").trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    let ms = |m: u64| Step::Wait(Duration::from_millis(m));
    let steps = match words.as_slice() {
        [] => Vec::new(),
        [dir] | [dir, _] if Direction::parse(dir).is_some() => {
            let count = match words.get(1) {
                None => 1,
                Some(n) => match n.parse::<u32>() {
                    Ok(n) if (1..=MAX_COUNT).contains(&n) => n,
                    _ => {
                        return Err(format!(
                            "`{n}` is not a number of people from 1 to {MAX_COUNT}"
                        ));
                    }
                },
            };
            vec![Step::Pass(
                Direction::parse(dir).unwrap_or(Direction::In),
                count,
            )]
        }
        ["walk", dir] => match (Direction::parse(dir), dual) {
            (None, _) => return Err(format!("walk `in` or `out`, not `{dir}`")),
            (Some(_), false) => vec![
                Step::Beam(Beam::A, true),
                ms(200),
                Step::Beam(Beam::A, false),
                ms(GAP),
            ],
            (Some(d), true) => {
                let (first, second) = match d {
                    Direction::In => (Beam::A, Beam::B),
                    Direction::Out => (Beam::B, Beam::A),
                };
                vec![
                    Step::Beam(first, true),
                    ms(80),
                    Step::Beam(second, true),
                    ms(150),
                    Step::Beam(first, false),
                    ms(80),
                    Step::Beam(second, false),
                    ms(GAP),
                ]
            }
        },
        [beam @ ("a" | "b" | "A" | "B"), level @ ("0" | "1")] => {
            let beam = if beam.eq_ignore_ascii_case("a") {
                Beam::A
            } else {
                Beam::B
            };
            vec![Step::Beam(beam, *level == "1")]
        }
        ["blocked"] => vec![Step::Beam(Beam::A, true)],
        ["clear"] if dual => vec![Step::Beam(Beam::A, false), Step::Beam(Beam::B, false)],
        ["clear"] => vec![Step::Beam(Beam::A, false)],
        ["wait", n] => match n.parse::<u64>().map(Duration::from_millis) {
            Ok(d) if d <= MAX_WAIT => vec![Step::Wait(d)],
            _ => {
                return Err(format!(
                    "`{n}` is not a number of milliseconds up to {}",
                    MAX_WAIT.as_millis()
                ));
            }
        },
        _ => return Err(format!("`{}` is not a door command: {HELP}", shorten(line))),
    };
    Ok(steps)
}

/// At most 40 characters of a bad line, for the log.
fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(40).collect();
    if line.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_with_and_without_a_count() {
        assert_eq!(parse("in", false), Ok(vec![Step::Pass(Direction::In, 1)]));
        assert_eq!(
            parse("  out 3 # three", true),
            Ok(vec![Step::Pass(Direction::Out, 3)])
        );
        assert!(parse("in 0", false).is_err());
        assert!(parse("in 1001", false).is_err());
        assert!(parse("in many", false).unwrap_err().contains("`many`"));
    }

    #[test]
    fn walking_depends_on_the_beams() {
        assert_eq!(parse("walk in", false).unwrap().len(), 4);
        let out = parse("walk out", true).unwrap();
        assert_eq!(out[0], Step::Beam(Beam::B, true));
        assert_eq!(out[6], Step::Beam(Beam::A, false));
        assert!(parse("walk sideways", true).is_err());
    }

    #[test]
    fn raw_edges_waits_and_comments() {
        assert_eq!(parse("b 1", true), Ok(vec![Step::Beam(Beam::B, true)]));
        assert_eq!(parse("A 0", true), Ok(vec![Step::Beam(Beam::A, false)]));
        assert_eq!(
            parse("wait 15", true),
            Ok(vec![Step::Wait(Duration::from_millis(15))])
        );
        assert_eq!(parse("# nothing", true), Ok(vec![]));
        assert_eq!(parse("clear", true).unwrap().len(), 2);
        assert!(parse("wait 600001", true).is_err());
        assert!(parse("a 2", true).is_err());
    }

    #[test]
    fn any_garbage_is_an_error_not_a_panic() {
        let long = "x".repeat(500);
        let err = parse(&long, true).unwrap_err();
        assert!(err.len() < 300, "{err}");
        for bad in [
            "\u{0}",
            "in in in",
            "wait -1",
            "walk",
            "ñ 1",
            "wait 99999999999999999999",
        ] {
            assert!(parse(bad, true).is_err(), "{bad}");
        }
    }
}
