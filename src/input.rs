//! Input that PostgreSQL cannot store: a NUL character, in `text` (error 22021) or in a
//! `jsonb` string or key (22P05). Every text and JSON value that reaches the database from
//! a file, stdin, an argument or the library's callers passes these checks first, so it is
//! `invalid_input` (exit 2) naming the field, before anything is written.

use crate::error::{Error, Result};

/// Rejects a NUL character in a text field.
///
/// # Errors
/// `invalid_input` naming `what`.
pub fn storable(what: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(Error::invalid(format!(
            "invalid {what}: contains a NUL character (\\u0000), which PostgreSQL cannot store"
        )));
    }
    Ok(())
}

/// Rejects a NUL character anywhere in a JSON document's strings and keys.
///
/// # Errors
/// `invalid_input` naming `what` and the JSON path.
pub fn storable_json(what: &str, value: &serde_json::Value) -> Result<()> {
    fn walk(v: &serde_json::Value, path: &mut String) -> bool {
        match v {
            serde_json::Value::String(s) => !s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().enumerate().all(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let ok = walk(item, path);
                if ok {
                    path.truncate(len);
                }
                ok
            }),
            serde_json::Value::Object(map) => map.iter().all(|(k, item)| {
                let len = path.len();
                path.push('.');
                path.push_str(&k.replace('\0', "\\u0000"));
                let ok = !k.contains('\0') && walk(item, path);
                if ok {
                    path.truncate(len);
                }
                ok
            }),
            _ => true,
        }
    }
    let mut path = String::new();
    if walk(value, &mut path) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "invalid {what}: {} contains a NUL character (\\u0000), which PostgreSQL cannot store",
        if path.is_empty() {
            "the value"
        } else {
            path.trim_start_matches('.')
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_named() {
        assert!(storable("name", "ok ✓").is_ok());
        let e = storable("device name", "a\0b").unwrap_err();
        assert!(e.to_string().contains("device name"), "{e}");
        let v = serde_json::json!({"a": [1, {"b": "x\u{0}"}], "c": "fine"});
        let e = storable_json("result", &v).unwrap_err().to_string();
        assert!(e.contains("result") && e.contains("a[1].b"), "{e}");
        let key = serde_json::json!({"k\u{0}": 1});
        assert!(storable_json("result", &key).is_err());
        assert!(storable_json("result", &serde_json::json!({"a": ["b", 2, null]})).is_ok());
    }
}
