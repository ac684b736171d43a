//! Input that PostgreSQL cannot store: a NUL character, in `text` (error 22021) or in a
//! `jsonb` string or key (22P05). Every text and JSON value that reaches the database from
//! a file, stdin, an argument or the library's callers passes these checks first, so it is
//! `invalid_input` (exit 2) naming the field, before anything is written.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Reads a whole text from `path`, or stdin for `-`, stopping after `limit` bytes: an
/// endless or huge input (`yes |`, `/dev/urandom`) is refused after `limit + 1` bytes
/// instead of filling the memory. Errors are the OS's, or `InvalidData` for text that is
/// not UTF-8 or longer than `limit`; the caller names the input.
///
/// # Errors
/// As above.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    let source: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path)?)
    };
    let mut text = String::new();
    source.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("longer than {limit} bytes"),
        ));
    }
    Ok(text)
}

/// Rejects text that holds a device token (its prefix and 16 or more characters of its
/// alphabet): a reason or an actor is recorded and shown to every operator, and a token
/// pasted into one by mistake would be readable for as long as the record lives.
///
/// # Errors
/// `invalid_input` naming `what`, never the token.
pub fn no_token(what: &str, value: &str) -> Result<()> {
    let holds = value
        .match_indices(crate::tokens::TOKEN_PREFIX)
        .any(|(i, p)| {
            value[i + p.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .count()
                >= 16
        });
    if holds {
        return Err(Error::invalid(format!(
            "invalid {what}: it holds what looks like a device token (not shown); tokens are \
             never recorded"
        )));
    }
    Ok(())
}

/// Whether `c` is invisible where it stands: a format character (Unicode general category
/// Cf, as of Unicode 15.1: soft hyphen, zero-width spaces and joiners, bidirectional
/// controls such as U+202E, the byte-order mark, tags...) or a line or paragraph separator
/// (U+2028, U+2029). Shown on a terminal or in a log line, such a character hides or
/// reorders the text around it.
#[must_use]
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Rejects what a one-line text (a name, an actor) must not hold: a control character (a
/// newline, an escape sequence) or an invisible one ([`invisible`]), because such text is
/// read on terminals and in log lines, where it would break the line, restyle the terminal
/// or hide and reorder what follows.
///
/// # Errors
/// `invalid_input` naming `what` and the character.
pub fn one_line(what: &str, value: &str) -> Result<()> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(format!(
            "invalid {what}: contains the control character {:?}",
            c.escape_unicode().to_string()
        )));
    }
    if let Some(c) = value.chars().find(|c| invisible(*c)) {
        return Err(Error::invalid(format!(
            "invalid {what}: contains the invisible character U+{:04X} (a format or \
             line-separating character)",
            u32::from(c)
        )));
    }
    Ok(())
}

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
    fn a_token_is_refused_and_never_named() {
        let token = format!("{}{}", crate::tokens::TOKEN_PREFIX, "A".repeat(43));
        let e = no_token("reason", &format!("see {token} here")).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        assert!(!e.to_string().contains("AAAA"), "{e}");
        // the prefix alone, or with a few characters, is no token
        assert!(no_token("reason", "tokens start with lobu_dev_").is_ok());
        assert!(no_token("reason", "lobu_dev_short").is_ok());
    }

    #[test]
    fn reads_stop_after_the_limit() {
        let path = std::env::temp_dir().join(format!("lobu-read-{}", std::process::id()));
        std::fs::write(&path, "x".repeat(11)).unwrap();
        assert_eq!(read_text(&path, 11).unwrap().len(), 11);
        let e = read_text(&path, 10).unwrap_err();
        assert!(e.to_string().contains("longer than 10 bytes"), "{e}");
        // an endless source ends after the limit
        let e = read_text(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(e.to_string().contains("longer than 1000 bytes"), "{e}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn format_characters_are_invisible() {
        for c in [
            '\u{202e}', '\u{200b}', '\u{feff}', '\u{ad}', '\u{2066}', '\u{2028}',
        ] {
            assert!(invisible(c), "{}", c.escape_unicode());
        }
        for c in ['a', ' ', 'é', '✓', '\u{a0}', '@', '-'] {
            assert!(!invisible(c), "{}", c.escape_unicode());
        }
    }

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
