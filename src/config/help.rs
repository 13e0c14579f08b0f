//! `[help]`: what the "I need to talk to someone now" screen shows and how long the alert waits
//! for a member of staff before it escalates. Its check lives here with it.

use serde::{Deserialize, Serialize};

use super::locate::{Problem, problem};
use crate::domain::Texts;

/// A number to call in a crisis, as the help screen shows it, each text per language.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CrisisNumber {
    /// What it is for: "Emergency".
    pub label: Texts,
    /// What to dial: "999", "111, option 2".
    pub number: Texts,
    /// One line on when to call it.
    #[serde(default)]
    pub detail: Texts,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Help {
    /// Seconds an unacknowledged help alert waits before it escalates (louder on the staff
    /// pages; the screen asks the visitor to go to reception).
    pub escalation_seconds: u32,
    /// Shown on the help screen, in order.
    pub crisis_numbers: Vec<CrisisNumber>,
}

fn texts(pairs: &[(&str, &str)]) -> Texts {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The UK's numbers: 999, NHS 111 option 2, Samaritans.
pub fn uk_crisis_numbers() -> Vec<CrisisNumber> {
    vec![
        CrisisNumber {
            label: texts(&[
                ("en", "Emergency"),
                ("pl", "Nagły wypadek"),
                ("ar", "الطوارئ"),
                ("zh", "紧急情况"),
            ]),
            number: texts(&[("en", "999")]),
            detail: texts(&[
                ("en", "If a life is in danger now."),
                ("pl", "Gdy życie jest teraz zagrożone."),
                ("ar", "إذا كانت هناك حياة في خطر الآن."),
                ("zh", "如果现在有生命危险。"),
            ]),
        },
        CrisisNumber {
            label: texts(&[
                ("en", "NHS urgent mental health help"),
                ("pl", "Pilna pomoc psychiatryczna NHS"),
                ("ar", "مساعدة عاجلة للصحة النفسية من NHS"),
                ("zh", "NHS 紧急心理健康帮助"),
            ]),
            number: texts(&[
                ("en", "111, option 2"),
                ("pl", "111, opcja 2"),
                ("ar", "111، الخيار 2"),
                ("zh", "111,选项 2"),
            ]),
            detail: texts(&[
                ("en", "Day and night, for you or someone you care about."),
                ("pl", "Całą dobę, dla ciebie lub bliskiej osoby."),
                ("ar", "ليلاً ونهاراً، لك أو لمن تهتم به."),
                ("zh", "全天候,为你或你关心的人提供帮助。"),
            ]),
        },
        CrisisNumber {
            label: texts(&[
                ("en", "Samaritans"),
                ("pl", "Samaritans"),
                ("ar", "السامريون (Samaritans)"),
                ("zh", "撒玛利亚会 (Samaritans)"),
            ]),
            number: texts(&[("en", "116 123")]),
            detail: texts(&[
                ("en", "Free, any time, to talk about anything."),
                ("pl", "Bezpłatnie, o każdej porze, o wszystkim."),
                ("ar", "مجاناً، في أي وقت، للحديث عن أي شيء."),
                ("zh", "免费,随时,什么都可以聊。"),
            ]),
        },
    ]
}

impl Default for Help {
    fn default() -> Self {
        Help {
            escalation_seconds: 60,
            crisis_numbers: uk_crisis_numbers(),
        }
    }
}

/// Most crisis numbers the help screen lists.
pub const MOST_NUMBERS: usize = 5;

/// `[help]`.
pub(super) fn check(help: &Help, p: &mut Vec<Problem>) {
    if !(10..=1800).contains(&help.escalation_seconds) {
        p.push(problem(
            "help.escalation_seconds",
            "use seconds from 10 to 1800 (60 is usual: a person in distress should not wait long)",
        ));
    }
    if help.crisis_numbers.len() > MOST_NUMBERS {
        p.push(problem(
            "help.crisis_numbers",
            format!("list at most {MOST_NUMBERS} numbers: the screen must stay calm and readable"),
        ));
    }
    for (i, n) in help.crisis_numbers.iter().enumerate() {
        for (field, t, most) in [("label", &n.label, 60), ("number", &n.number, 30)] {
            if t.get("en").is_none_or(|s| s.trim().is_empty()) {
                p.push(problem(
                    format!("help.crisis_numbers.{i}.{field}"),
                    format!("give at least an English {field}: {field} = {{ en = \"…\" }}"),
                ));
            }
            if t.values().any(|s| s.chars().count() > most) {
                p.push(problem(
                    format!("help.crisis_numbers.{i}.{field}"),
                    format!("keep each {field} to {most} characters"),
                ));
            }
        }
        if n.detail.values().any(|s| s.chars().count() > 120) {
            p.push(problem(
                format!("help.crisis_numbers.{i}.detail"),
                "keep each detail to one line of 120 characters",
            ));
        }
    }
}
