//! `GET /api/v1/openapi.json`: `docs/openapi.json` as this kiosk serves it. The document lists
//! the built-in needs catalogue as the need ids a walk-in may name; a kiosk with its own
//! `[[needs]]` serves its own ids there instead, so the document it serves is exact for it.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::domain::Catalogue;
use crate::staff::OPENAPI;
use crate::staff::state::AppState;

/// Where the walk-in's need ids are listed in the document.
const NEEDS: &str = "/components/schemas/WalkIn/properties/needs";

/// The document with `catalogue`'s need ids (all of them, and the drop-in ones).
pub fn document(catalogue: &Catalogue) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(OPENAPI) else {
        return OPENAPI.to_owned();
    };
    let all: Vec<&str> = catalogue.iter().map(|n| n.id.as_str()).collect();
    let drop_ins: Vec<&str> = catalogue
        .iter()
        .filter(|n| n.drop_in)
        .map(|n| n.id.as_str())
        .collect();
    let Some(needs) = doc.pointer_mut(NEEDS) else {
        return OPENAPI.to_owned();
    };
    if needs["items"]["enum"] == json!(all) && needs["contains"]["enum"] == json!(drop_ins) {
        return OPENAPI.to_owned();
    }
    needs["items"]["enum"] = json!(all);
    needs["contains"]["enum"] = json!(drop_ins);
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| OPENAPI.to_owned())
}

pub async fn openapi(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document(&s.hub.config().catalogue),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::needs::default_needs;

    #[test]
    fn the_document_names_the_kiosks_own_needs() {
        assert_eq!(document(&Catalogue::life_rooms()), OPENAPI);
        let mut needs = default_needs();
        needs.truncate(2);
        needs[1].drop_in = false;
        let doc: Value = serde_json::from_str(&document(&Catalogue::new(needs).unwrap())).unwrap();
        let served = doc.pointer(NEEDS).unwrap();
        assert_eq!(served["items"]["enum"], json!(["advisor", "housing"]));
        assert_eq!(served["contains"]["enum"], json!(["advisor"]));
    }
}
