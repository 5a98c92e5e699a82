//! The `--format json` the commands write, `{"version": N, "<key>": ...}`, read back by `ceiling report`:
//! one check of the envelope for every command, so that a wrong file is named the same way whichever it is.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The text, parsed, once it is the output of `ceiling <command> --format json` at `version`: JSON
/// holding a `key` object. The error says what the text is not.
pub fn read_output(text: &str, command: &str, key: &str, version: u32) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
    if value.get(key).is_none() {
        return Err(format!("not the output of `ceiling {command} --format json` (it has no \"{key}\" object)"));
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(found) if found == u64::from(version) => Ok(value),
        found => {
            let found = found.map_or("no version".to_owned(), |found| format!("version {found}"));
            Err(format!("{found}, but this ceiling reads version {version} of `ceiling {command} --format json`"))
        }
    }
}

/// `T` from `value`, a part of the output of `ceiling <command> --format json`.
pub fn deserialize_output<T: DeserializeOwned>(value: &Value, command: &str) -> Result<T, String> {
    T::deserialize(value).map_err(|error| format!("not the output of `ceiling {command} --format json`: {error}"))
}
