//! The status LED: steady when all is well, blinking when the kiosk cannot reach the central
//! service or the door sensor has a fault, off when the kiosk is not running. What it shows is
//! decided here from the status board, without touching a pin, so it can be tested anywhere.

use std::time::Duration;

use super::OutputPin;
use crate::status::SyncSnapshot;
#[cfg(test)]
use crate::status::SyncState;

/// One blink: on for half, off for half.
pub const BLINK_PERIOD: Duration = Duration::from_secs(1);

/// What the LED shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Steady,
    Blinking,
}

/// Blinking when there is a door fault or forwarding is known to be failing
/// (`SyncState::is_well`).
pub fn pattern(door_fault: bool, sync: &SyncSnapshot) -> Pattern {
    if door_fault || !sync.state.is_well() {
        Pattern::Blinking
    } else {
        Pattern::Steady
    }
}

/// Whether the LED is lit at `at` (any steady clock).
pub fn lit(pattern: Pattern, at: Duration) -> bool {
    match pattern {
        Pattern::Steady => true,
        Pattern::Blinking => {
            let period = BLINK_PERIOD.as_millis();
            at.as_millis() % period < period / 2
        }
    }
}

/// A pin showing a pattern; writes the pin only when its level changes.
pub struct StatusLed {
    pin: Box<dyn OutputPin>,
    lit: Option<bool>,
}

impl StatusLed {
    pub fn new(pin: Box<dyn OutputPin>) -> Self {
        StatusLed { pin, lit: None }
    }

    /// Sets the pin for `pattern` at `at`.
    pub fn show(&mut self, pattern: Pattern, at: Duration) {
        let on = lit(pattern, at);
        if self.lit != Some(on) {
            self.pin.set(on);
            self.lit = Some(on);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync(state: SyncState) -> SyncSnapshot {
        SyncSnapshot {
            state,
            ..Default::default()
        }
    }

    #[test]
    fn steady_only_when_forwarding_is_well_and_no_fault() {
        use SyncState::*;
        for state in [Online, Disabled, Waiting] {
            assert_eq!(pattern(false, &sync(state)), Pattern::Steady, "{state:?}");
        }
        assert_eq!(pattern(false, &SyncSnapshot::default()), Pattern::Steady);
        for state in [Offline, Unauthorized, Clock] {
            assert_eq!(pattern(false, &sync(state)), Pattern::Blinking, "{state:?}");
        }
        assert_eq!(pattern(true, &sync(Online)), Pattern::Blinking);
    }

    #[test]
    fn blinking_is_half_on_half_off() {
        let ms = Duration::from_millis;
        assert!(lit(Pattern::Blinking, ms(0)));
        assert!(lit(Pattern::Blinking, ms(499)));
        assert!(!lit(Pattern::Blinking, ms(500)));
        assert!(!lit(Pattern::Blinking, ms(999)));
        assert!(lit(Pattern::Blinking, ms(1000)));
        assert!(lit(Pattern::Steady, ms(700)));
    }
}
