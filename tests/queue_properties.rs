//! Any sequence of queue operations keeps the stored queue equal to the in-memory reference
//! model, keeps every ticket in exactly one state, calls in order of arrival when weights are
//! equal, and keeps footfall counts equal to the sum of what happened.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use hub_kiosk::domain::footfall::ticket_counts;
use hub_kiosk::domain::queue::Join;
use hub_kiosk::domain::{
    Action, CallPolicy, Catalogue, CheckIn, Counts, Language, NeedId, Queue, Remit, Source, Stamp,
    TicketState, Visitor,
};
use hub_kiosk::store::{NewTicket, Store};

const NEEDS: [&str; 4] = ["advisor", "housing", "money", "work"];

#[derive(Clone, Debug)]
enum Op {
    Join { need: usize, priority: bool },
    CallNext,
    Act { pick: usize, kind: u8, need: usize },
    Wait { minutes: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..NEEDS.len(), prop::bool::weighted(0.15)).prop_map(|(need, priority)| Op::Join { need, priority }),
        2 => Just(Op::CallNext),
        4 => (0usize..64, 0u8..8, 0..NEEDS.len()).prop_map(|(pick, kind, need)| Op::Act { pick, kind, need }),
        2 => (0i64..25).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

fn action(kind: u8, need: usize) -> Action {
    match kind {
        0 => Action::Call {
            desk: "Desk 1".into(),
        },
        1 => Action::Recall {
            desk: "Desk 2".into(),
        },
        2 => Action::Seen,
        3 => Action::NoShow,
        4 => Action::Left,
        5 => Action::Requeue,
        6 => Action::Transfer {
            need: NeedId::new(NEEDS[need]).unwrap(),
        },
        _ => Action::Close,
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("q.sqlite3")).unwrap();
    let catalogue = Catalogue::life_rooms();
    let policy = CallPolicy::from_catalogue(&catalogue, 2.0);
    let mut now: DateTime<Utc> = "2026-11-23T09:30:00Z".parse().unwrap();
    let day = now.date_naive();
    let mut model = Queue::new(day, 'A');
    // Store ids may differ from the model's: map model id → store id.
    let mut ids: Vec<(i64, i64)> = Vec::new();
    let mut priorities_used = false;

    for op in ops {
        match op {
            Op::Join { need, priority } => {
                priorities_used |= priority;
                let need = NeedId::new(NEEDS[need]).unwrap();
                let ci = CheckIn::new(
                    &catalogue,
                    Visitor::Anonymous,
                    &[need.as_str()],
                    Language::english(),
                    Source::StaffWalkIn,
                    Stamp::synced_at(now),
                )
                .unwrap();
                let t = NewTicket {
                    need: need.clone(),
                    needs: vec![need.clone()],
                    priority,
                    interpreter: false,
                    day,
                    prefix: 'A',
                };
                let stored = store.record_check_in(&ci, Some(t)).unwrap().ticket.unwrap();
                let modelled = model.join(
                    Join {
                        need: need.clone(),
                        needs: vec![need],
                        member: None,
                        priority,
                    },
                    now,
                );
                prop_assert_eq!(stored.number, modelled.number);
                ids.push((modelled.id, stored.id));
            }
            Op::CallNext => {
                let oldest = policy.order(&model.tickets, now).first().map(|t| t.created);
                let m = model
                    .call_next("Desk 1", &Remit::All, &policy, now)
                    .cloned();
                let s = store.call_next("Desk 1", &Remit::All, &policy, now);
                match (&m, &s) {
                    (Ok(m), Ok(s)) => {
                        prop_assert_eq!(m.number, s.number);
                        if !priorities_used {
                            // Equal weights: exactly first come, first served.
                            let waiting_min = model
                                .tickets
                                .iter()
                                .filter(|t| t.state == TicketState::Waiting)
                                .map(|t| t.created)
                                .min();
                            prop_assert!(waiting_min.is_none_or(|w| w >= m.created));
                            prop_assert_eq!(Some(m.created), oldest);
                        }
                    }
                    (Err(m), Err(s)) => prop_assert_eq!(m.to_string(), s.to_string()),
                    _ => prop_assert!(false, "model {:?} but store {:?}", m, s),
                }
            }
            Op::Act { pick, kind, need } => {
                if ids.is_empty() {
                    continue;
                }
                let (model_id, store_id) = ids[pick % ids.len()];
                let a = action(kind, need);
                let m = model.act(model_id, &a, now).cloned();
                let s = store.act(store_id, &a, now);
                match (&m, &s) {
                    (Ok(m), Ok(s)) => {
                        prop_assert_eq!((m.state, m.calls, &m.need), (s.state, s.calls, &s.need))
                    }
                    (Err(m), Err(s)) => prop_assert_eq!(m.to_string(), s.to_string()),
                    _ => prop_assert!(false, "{:?}: model {:?} but store {:?}", a, m, s),
                }
            }
            Op::Wait { minutes } => now += Duration::minutes(minutes),
        }
    }

    // No ticket lost, each in exactly one state, same as the model.
    let stored = store.tickets_of_day(day).unwrap();
    prop_assert_eq!(stored.len(), model.tickets.len());
    let mut per_state: BTreeMap<&str, usize> = BTreeMap::new();
    for (m, s) in model.tickets.iter().zip(&stored) {
        prop_assert_eq!(m.number, s.number);
        prop_assert_eq!(
            (m.state, m.created, m.called, m.finished),
            (s.state, s.created, s.called, s.finished)
        );
        *per_state.entry(s.state.as_str()).or_default() += 1;
    }
    prop_assert_eq!(per_state.values().sum::<usize>(), stored.len());

    // Footfall equals the sum of the tickets' contributions.
    let mut expected = Counts::default();
    for t in &stored {
        expected.add(&ticket_counts(t).1, 1);
    }
    let mut counted = store.footfall_total().unwrap();
    counted.checkins_anonymous -= stored.len() as i64;
    for t in &stored {
        let e = counted.needs.entry(t.needs[0].clone()).or_default();
        *e -= 1;
        if *e == 0 {
            counted.needs.remove(&t.needs[0]);
        }
    }
    // Transfers add needs to tickets but not to the check-in: compare drop-in counts and waits.
    prop_assert_eq!(
        (
            counted.dropins_joined,
            counted.dropins_seen,
            counted.dropins_no_show,
            counted.dropins_closed,
            &counted.waits
        ),
        (
            expected.dropins_joined,
            expected.dropins_seen,
            expected.dropins_no_show,
            expected.dropins_closed,
            &expected.waits
        )
    );
    prop_assert_eq!(counted.checkins_anonymous, 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_operations_keeps_the_queue_invariants(ops in prop::collection::vec(op(), 1..60)) {
        run(ops)?;
    }
}
