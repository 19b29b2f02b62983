//! JSON Schemas of the three messages, generated from the types of this crate: the ABI as a
//! specification a plugin author can validate against in any language. The published files are
//! `schema/plugin-info-V.schema.json`, `schema/plugin-request-V.schema.json` and
//! `schema/plugin-response-V.schema.json`, `V` being [`ABI_VERSION`](crate::ABI_VERSION);
//! `tests/e2e/plugin_abi.rs` fails when they are not what these functions generate
//! (`SOVSTACK_BLESS=1` rewrites them) and validates real requests and responses against them.
//!
//! Each message crosses the boundary both ways (the host writes requests and reads responses, a
//! plugin the reverse), so the schemas are those of deserialisation: a field with a default may
//! be absent, a field without one is required, and `deny_unknown_fields` becomes
//! `additionalProperties: false`. What no schema can say (a finding's rule must be one of the
//! request's, shares sum to at most 1) is the host's check ("What the host checks").

use crate::{EvaluateRequest, EvaluateResponse, PluginInfo, ABI_VERSION};

/// The file name, under `schema/`, of a message's schema for this ABI version: `message` is
/// `info`, `request` or `response`.
pub fn file_name(message: &str) -> String {
    format!("plugin-{message}-{ABI_VERSION}.schema.json")
}

fn schema_for<T: schemars::JsonSchema>() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::default()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>();
    serde_json::to_value(schema).expect("a schema always serialises")
}

/// The three messages by the name [`file_name`] takes, with their schemas.
pub fn all() -> [(&'static str, serde_json::Value); 3] {
    [
        ("info", schema_for::<PluginInfo>()),
        ("request", schema_for::<EvaluateRequest>()),
        ("response", schema_for::<EvaluateResponse>()),
    ]
}
