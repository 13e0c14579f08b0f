//! The built-in needs catalogue of a Life Rooms-style hub, labelled in the four bundled languages:
//! what a site gets before it writes its own `[[needs]]`.

use std::collections::BTreeMap;

use super::needs::{Need, NeedId};

fn need(id: &str, icon: &str, drop_in: bool, labels: [&str; 4], directions: [&str; 4]) -> Need {
    let langs = ["en", "pl", "ar", "zh"];
    let map = |texts: [&str; 4]| -> BTreeMap<String, String> {
        langs
            .iter()
            .zip(texts)
            .filter(|(_, t)| !t.is_empty())
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect()
    };
    Need {
        id: NeedId::new(id).expect("built-in ids are valid"),
        icon: icon.into(),
        drop_in,
        instant: id == "visiting",
        sessions: id == "courses",
        weight: 1.0,
        labels: map(labels),
        directions: map(directions),
    }
}

/// One built-in need: id, icon, drop-in, labels and directions in en, pl, ar, zh.
type Row = (
    &'static str,
    &'static str,
    bool,
    [&'static str; 4],
    [&'static str; 4],
);

/// The default needs: Pathways advice on a drop-in basis, and everything else the hub offers.
const DEFAULTS: &[Row] = &[
    (
        "advisor",
        "chat",
        true,
        [
            "Chat with an advisor",
            "Rozmowa z doradcą",
            "التحدث مع مستشار",
            "与顾问聊聊",
        ],
        ["", "", "", ""],
    ),
    (
        "housing",
        "home",
        true,
        ["Housing", "Mieszkanie", "السكن", "住房"],
        ["", "", "", ""],
    ),
    (
        "money",
        "wallet",
        true,
        [
            "Money and debt",
            "Pieniądze i długi",
            "المال والديون",
            "钱和债务",
        ],
        ["", "", "", ""],
    ),
    (
        "work",
        "briefcase",
        true,
        [
            "Work and volunteering",
            "Praca i wolontariat",
            "العمل والتطوع",
            "工作和志愿服务",
        ],
        ["", "", "", ""],
    ),
    (
        "courses",
        "book",
        false,
        ["Courses", "Kursy", "الدورات", "课程"],
        [
            "Recovery College courses are on the first floor. The lift is by the café.",
            "Kursy Recovery College są na pierwszym piętrze. Winda jest obok kawiarni.",
            "دورات كلية التعافي في الطابق الأول. المصعد بجانب المقهى.",
            "康复学院的课程在二楼。电梯在咖啡馆旁边。",
        ],
    ),
    (
        "peer",
        "people",
        false,
        [
            "Peer support",
            "Wsparcie rówieśnicze",
            "دعم الأقران",
            "同伴支持",
        ],
        [
            "Peer supporters are in the lounge on the ground floor.",
            "Osoby wspierające czekają w salonie na parterze.",
            "الداعمون من الأقران في الصالة بالطابق الأرضي.",
            "同伴支持者在一楼的休息室。",
        ],
    ),
    (
        "wellbeing",
        "heart",
        false,
        ["Wellbeing", "Dobre samopoczucie", "الرفاهية", "身心健康"],
        [
            "Wellbeing sessions are in the studio on the first floor.",
            "Zajęcia o dobrym samopoczuciu są w studiu na pierwszym piętrze.",
            "جلسات الرفاهية في الاستوديو بالطابق الأول.",
            "身心健康活动在二楼的工作室。",
        ],
    ),
    (
        "digital",
        "laptop",
        false,
        [
            "Digital help",
            "Pomoc cyfrowa",
            "مساعدة رقمية",
            "电脑和上网帮助",
        ],
        [
            "The IT room is past the café. Someone there can help you get online.",
            "Sala komputerowa jest za kawiarnią. Ktoś tam pomoże ci w internecie.",
            "غرفة الحاسوب بعد المقهى. سيساعدك شخص هناك على استخدام الإنترنت.",
            "电脑室在咖啡馆后面,那里有人可以帮你上网。",
        ],
    ),
    (
        "visiting",
        "cup",
        false,
        ["Just visiting", "Tylko zaglądam", "مجرد زيارة", "随便看看"],
        [
            "Make yourself at home: the café, library and IT space are open to everyone.",
            "Czuj się jak u siebie: kawiarnia, biblioteka i sala komputerowa są otwarte dla wszystkich.",
            "تفضل بالراحة: المقهى والمكتبة وغرفة الحاسوب مفتوحة للجميع.",
            "请随意:咖啡馆、图书馆和电脑区对所有人开放。",
        ],
    ),
];

/// The default needs, in the order the screen shows them.
pub fn default_needs() -> Vec<Need> {
    DEFAULTS
        .iter()
        .map(|(id, icon, drop_in, labels, directions)| {
            need(id, icon, *drop_in, *labels, *directions)
        })
        .collect()
}
