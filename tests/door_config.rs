//! `[door]` in kiosk.toml: what is refused, with its line, and what each mode starts.

use hub_kiosk::config::{Config, DoorMode};
use hub_kiosk::hardware;

fn config(door: &str) -> Result<Config, hub_kiosk::config::ConfigError> {
    Config::parse(
        &format!("[site]\nid = \"t\"\nname = \"T\"\n\n[door]\n{door}\n"),
        "k.toml",
    )
}

#[test]
fn a_simulator_input_that_cannot_be_made_is_refused_with_its_line() {
    let e = config("mode = \"simulator\"\nsimulator_input = \"/no/such/dir/door\"").unwrap_err();
    assert_eq!(e.line, Some(7), "{e}");
    assert_eq!(e.key.as_deref(), Some("door.simulator_input"));
    assert!(e.message.contains("does not exist"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let e = config(&format!(
        "mode = \"simulator\"\nsimulator_input = {:?}",
        dir.path()
    ))
    .unwrap_err();
    assert!(e.message.contains("is a directory"), "{e}");

    // Standard input, and a path to be made in a directory that exists, are fine.
    assert!(config("mode = \"simulator\"\nsimulator_input = \"-\"").is_ok());
    let fifo = dir.path().join("door");
    assert!(config(&format!("mode = \"simulator\"\nsimulator_input = {fifo:?}")).is_ok());
}

#[test]
fn dual_mode_needs_a_second_free_pin() {
    let e = config("mode = \"dual\"").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("door.beam_b_pin"));
    let e = config("mode = \"dual\"\nbeam_b_pin = 17").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("door.beam_b_pin"));
    let e = config("mode = \"single\"\nled_pin = 17").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("door.led_pin"));
}

#[test]
fn each_mode_starts_the_parts_it_needs() {
    let none = hardware::parts(&config("").unwrap());
    assert!(none.source.is_none() && none.led.is_none());
    assert_eq!(none.mode, "none");

    let led_only = hardware::parts(&config("led_pin = 22").unwrap());
    assert!(led_only.source.is_none() && led_only.led.is_some());

    let c = config("mode = \"dual\"\nbeam_b_pin = 27\ndebounce_ms = 20").unwrap();
    assert_eq!(c.door.mode, DoorMode::Dual);
    let dual = hardware::parts(&c);
    assert!(dual.source.is_some() && dual.beams.dual);
    assert_eq!(dual.beams.debounce.as_millis(), 20);

    // The simulator stands in for the sensor configured: two beams when beam_b_pin is set.
    let sim = hardware::parts(&config("mode = \"simulator\"").unwrap());
    assert!(sim.source.is_some() && !sim.beams.dual);
    let sim2 = hardware::parts(&config("mode = \"simulator\"\nbeam_b_pin = 27").unwrap());
    assert!(sim2.beams.dual);
    assert_eq!(sim2.mode, "simulator");
}

#[test]
fn the_demo_simulates_a_door_fed_from_a_fifo_in_its_data_directory() {
    let demo = Config::demo();
    assert_eq!(demo.door.mode, DoorMode::Simulator);
    assert_eq!(
        hardware::simulator_input(&demo),
        demo.kiosk.data_dir.join("door-simulator")
    );
}
