//! The beams and the LED on the Raspberry Pi's GPIO, through rppal (the only file that names
//! it for GPIO). Edges arrive on rppal's interrupt thread, stamped by the kernel; the callback
//! only sends them down a channel, so it never waits on the database.
//!
//! Off a Pi, or without permission to use the GPIO, `start` fails with a message that says what
//! to change; the door's thread shows it as a fault and the kiosk runs on without counting.

use std::sync::mpsc::Sender;
use std::time::Duration;

use rppal::gpio::{Gpio, InputPin, Level, Trigger};

use super::{Beam, EdgeSource, Input, OutputPin, PinOpener};

/// Whether a beam is broken, from its line's level: receivers with an open-collector output
/// (the usual kind, `active_low`) pull the line low when the beam is broken.
pub fn is_broken(high: bool, active_low: bool) -> bool {
    high != active_low
}

/// The door's beam inputs.
pub struct GpioBeams {
    pins: Vec<(Beam, u8)>,
    active_low: bool,
    pull_up: bool,
    debounce: Duration,
    /// Kept alive: dropping an input pin ends its interrupt.
    inputs: Vec<InputPin>,
}

impl GpioBeams {
    pub fn new(door: &crate::config::Door, dual: bool) -> Self {
        let mut pins = vec![(Beam::A, door.beam_a_pin)];
        if let (true, Some(b)) = (dual, door.beam_b_pin) {
            pins.push((Beam::B, b));
        }
        GpioBeams {
            pins,
            active_low: door.active_low,
            pull_up: door.pull_up,
            debounce: Duration::from_millis(u64::from(door.debounce_ms)),
            inputs: Vec::new(),
        }
    }
}

impl EdgeSource for GpioBeams {
    fn start(&mut self, tx: Sender<Input>) -> Result<[bool; 2], String> {
        self.inputs.clear();
        let gpio = Gpio::new().map_err(|e| explain(&e, NO_BEAMS))?;
        let mut broken = [false; 2];
        for &(beam, number) in &self.pins {
            let pin = gpio.get(number).map_err(|e| explain(&e, NO_BEAMS))?;
            let mut input = if self.pull_up {
                pin.into_input_pullup()
            } else {
                pin.into_input_pulldown()
            };
            let (tx, active_low) = (tx.clone(), self.active_low);
            // The interrupt first, then the level: an edge in between is then seen twice (harmless)
            // rather than missed.
            input
                .set_async_interrupt(Trigger::Both, Some(self.debounce), move |event| {
                    let high = event.trigger == Trigger::RisingEdge;
                    let _ = tx.send(Input::Edge {
                        beam,
                        broken: is_broken(high, active_low),
                        at: event.timestamp,
                    });
                })
                .map_err(|e| explain(&e, NO_BEAMS))?;
            broken[usize::from(beam == Beam::B)] =
                is_broken(input.read() == Level::High, self.active_low);
            tracing::info!(
                "door beam {beam:?} on GPIO {number}: {}",
                if broken[usize::from(beam == Beam::B)] {
                    "broken"
                } else {
                    "clear"
                }
            );
            self.inputs.push(input);
        }
        Ok(broken)
    }
}

/// Opens the status LED on BCM GPIO `number`, off to start with.
pub fn led(number: u8) -> PinOpener {
    Box::new(move || {
        let gpio = Gpio::new().map_err(|e| explain(&e, NO_LED))?;
        let pin = gpio.get(number).map_err(|e| explain(&e, NO_LED))?;
        Ok(Box::new(pin.into_output_low()) as Box<dyn OutputPin>)
    })
}

impl OutputPin for rppal::gpio::OutputPin {
    fn set(&mut self, on: bool) {
        self.write(if on { Level::High } else { Level::Low });
    }
}

/// What to change off a Pi, for the beams and for the LED.
const NO_BEAMS: &str =
    "set door.mode = \"simulator\" (or \"none\") in the configuration to run without the sensor";
const NO_LED: &str = "remove door.led_pin from the configuration to run without the LED";

/// rppal's error, as what to do about it; `off_pi` says what to change without a Pi.
fn explain(e: &rppal::gpio::Error, off_pi: &str) -> String {
    use rppal::gpio::Error;
    match e {
        Error::UnknownModel => format!("no Raspberry Pi GPIO on this computer: {off_pi}"),
        Error::PermissionDenied(path) => format!(
            "no permission to use the GPIO ({path}): add the kiosk's user to the `gpio` group"
        ),
        Error::PinUsed(p) => format!(
            "GPIO {p} is already in use by another program: stop it, or wire the sensor to a free pin and change [door]"
        ),
        Error::PinNotAvailable(p) => {
            format!("GPIO {p} does not exist on this board: check the BCM pin numbers in [door]")
        }
        other => format!("GPIO error: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_level_decides_what_broken_means() {
        assert!(is_broken(false, true));
        assert!(!is_broken(true, true));
        assert!(is_broken(true, false));
        assert!(!is_broken(false, false));
    }

    #[test]
    fn off_a_pi_the_error_says_what_to_change() {
        let m = explain(&rppal::gpio::Error::UnknownModel, NO_BEAMS);
        assert!(m.contains("door.mode = \"simulator\""), "{m}");
        let m = explain(&rppal::gpio::Error::UnknownModel, NO_LED);
        assert!(m.contains("remove door.led_pin"), "{m}");
        let denied = rppal::gpio::Error::PermissionDenied("/dev/gpiochip0".into());
        let m = explain(&denied, NO_BEAMS);
        assert!(m.contains("`gpio` group"), "{m}");
    }
}
