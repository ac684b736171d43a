//! Rendering: comfy-table for people, pretty JSON for scripts; a closed pipe is success.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::schedule::FireTime;

/// `-o table|json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A stable JSON schema for scripts.
    Json,
}

/// Where and how results are shown.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// Table or JSON.
    pub format: Format,
    /// `-q`: no progress or notes.
    pub quiet: bool,
    /// `-v`: extra notes on stderr.
    pub verbose: bool,
}

impl Out {
    /// Whether to show progress (bars, spinners, status changes) on stderr: table output,
    /// not `-q`, and stderr a terminal.
    pub fn progress(&self) -> bool {
        use std::io::IsTerminal;
        self.format == Format::Table && !self.quiet && std::io::stderr().is_terminal()
    }

    /// A progress bar of `len` steps drawn with `template` (indicatif's), when
    /// [`Out::progress`] says so.
    pub fn bar(&self, len: u64, template: &str) -> Option<indicatif::ProgressBar> {
        self.progress().then(|| {
            let bar = indicatif::ProgressBar::new(len);
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        })
    }

    /// Prints `value` as JSON, or the table that `human` builds.
    pub fn show<T: Serialize>(&self, value: &T, human: impl FnOnce(&T) -> String) -> Result<()> {
        match self.format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(value)
                    .map_err(|e| Error::Internal(format!("cannot render JSON: {e}")))?;
                s.push('\n');
                write_stdout(&s)
            }
            Format::Table => {
                // what `human` wrote outside a table's cells is escaped too
                let mut s = escaped_lines(&human(value)).into_owned();
                if !s.ends_with('\n') {
                    s.push('\n');
                }
                write_stdout(&s)
            }
        }
    }

    /// Shows a single object as a FIELD/VALUE table (or JSON).
    pub fn object<T: Serialize>(&self, value: &T) -> Result<()> {
        self.show(value, |v| {
            serde_json::to_value(v).map_or_else(|e| e.to_string(), |v| kv_table(&v))
        })
    }

    /// A note for people on stderr (not in JSON mode, not with `-q`).
    pub fn note(&self, msg: &str) {
        if !self.quiet && self.format == Format::Table {
            let _ = writeln!(io::stderr().lock(), "{}", escaped_lines(msg));
        }
    }
}

/// Writes to a locked stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(s: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::Internal(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Whether `c` is escaped before it reaches a terminal: the C0 and C1 controls and DEL
/// (`\n`, ESC, BEL, CSI...), the line and paragraph separators, and the bidirectional
/// controls that reorder what follows them on screen.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'
                ..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every control character shown as an escape (`\n`, `\t`, `\u{1b}`), so that a
/// value the user or the database supplied can neither split a line nor drive the
/// terminal (move the cursor, set the title or the colours). JSON output needs none of
/// this: serde escapes the controls itself.
pub(crate) fn escaped(s: &str) -> Cow<'_, str> {
    escape_but(s, None)
}

/// As [`escaped`], keeping the line breaks of text of several lines (a table, a list).
pub(crate) fn escaped_lines(s: &str) -> Cow<'_, str> {
    escape_but(s, Some('\n'))
}

fn escape_but(s: &str, keep: Option<char>) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && Some(c) != keep;
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value the user gave, as an error message echoes it: escaped (see [`escaped`]) and
/// cut to at most `max` characters, then `…` (never inside an escape).
pub(crate) fn shown(value: &str, max: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in value.chars() {
        let piece: String = if is_unsafe(c) {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let n = piece.chars().count();
        if len + n > max {
            out.push('…');
            return out;
        }
        len += n;
        out.push_str(&piece);
    }
    out
}

/// Builds a plain, column-aligned table. Every cell is [`escaped`]: a name stored with a
/// newline or a terminal escape shows as `\n` or `\u{1b}` and keeps its row.
pub fn table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut t = Table::new();
    *t.style_mut() = presets::NOTHING;
    t.set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().copied());
    for row in rows {
        t.add_row(row.iter().map(|c| escaped(c).into_owned()));
    }
    let mut s = t.to_string();
    // comfy-table pads every line with a leading space under the NOTHING preset
    s = s
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    s
}

/// A FIELD/VALUE table of a JSON object; nested values shown as words (see [`cell`]).
pub fn kv_table(value: &serde_json::Value) -> String {
    let Some(map) = value.as_object() else {
        return value.to_string();
    };
    table(
        &["FIELD", "VALUE"],
        map.iter().map(|(k, v)| vec![k.clone(), cell(v)]),
    )
}

/// One JSON value as a table cell, never raw JSON: objects as `key: value, ...` (nested
/// ones in parentheses), arrays as `a, b`, null as `-`.
pub fn cell(v: &serde_json::Value) -> String {
    use serde_json::Value;
    let nested = |v: &Value| match v {
        Value::Object(m) if !m.is_empty() => format!("({})", cell(v)),
        _ => cell(v),
    };
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Object(m) if m.is_empty() => "-".into(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", nested(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) if a.is_empty() => "-".into(),
        Value::Array(a) => a.iter().map(nested).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The `watchers list` table (also used by `demo`).
pub fn watchers_table(l: &[crate::watchers::WatcherListItem], now: DateTime<Utc>) -> String {
    table(
        &[
            "ID",
            "SLUG",
            "NAME",
            "SCHEDULE",
            "TZ",
            "STATUS",
            "DEVICE",
            "AGENT",
            "NEXT RUN",
            "LAST FIRED",
            "LAST RUN",
        ],
        l.iter().map(|w| {
            vec![
                w.id.to_string(),
                w.slug.clone(),
                w.name.clone(),
                w.schedule.clone(),
                w.timezone.clone(),
                w.status.clone(),
                w.device_id
                    .map_or_else(|| "-".into(), |d| d.to_string()[..8].to_string()),
                w.agent_id.clone(),
                match (&w.next_run_local, w.next_run_at) {
                    // to the minute, or to the second when a spread puts the instant
                    // off the minute (00:05:39)
                    (Some(l), Some(n)) => format!(
                        "{} ({})",
                        l.get(
                            ..if l.get(17..19).is_some_and(|s| s != "00") {
                                19
                            } else {
                                16
                            }
                        )
                        .unwrap_or(l)
                        .replace('T', " "),
                        relative(n, now)
                    ),
                    _ => "-".into(),
                },
                w.last_fired_at
                    .map_or_else(|| "-".into(), |t| relative(t, now)),
                w.last_run.as_ref().map_or_else(
                    || "-".into(),
                    |r| format!("#{} {} {}", r.id, r.status, r.dispatch_source),
                ),
            ]
        }),
    )
}

/// Fire times as LOCAL/UTC rows (or JSON).
pub fn show_times(out: Out, times: &[FireTime]) -> Result<()> {
    out.show(&times, |t| {
        table(
            &["LOCAL", "UTC"],
            t.iter().map(|f| vec![f.at_local.clone(), f.at_utc.clone()]),
        )
    })
}

/// "1 watcher", "2 watchers", "0 runs": a count with its noun, plural unless it is one.
pub fn counted(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An optional time as a cell: RFC 3339 plus a relative hint ("in 3h", "2m ago").
pub fn when(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    t.map_or_else(
        || "-".into(),
        |t| format!("{} ({})", t.format("%Y-%m-%d %H:%M:%SZ"), relative(t, now)),
    )
}

/// "in 3h", "2m ago", "now".
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let abs = secs.unsigned_abs();
    let span = match abs {
        0..=9 => return "now".into(),
        10..=89 => format!("{abs}s"),
        90..=5399 => format!("{}m", (abs + 30) / 60),
        5400..=129_599 => format!("{}h", (abs + 1800) / 3600),
        _ => format!("{}d", (abs + 43_200) / 86_400),
    };
    if secs > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// Prints a warning on stderr, whatever `-q` says (it is not a note: something may be
/// wrong): `warning: <message>`, or with `-o json` the object
/// `{"warning":{"kind":...,"message":...,<fields>}}`, shaped like the error object, so that
/// stdout keeps only results in either format.
pub fn print_warning(format: Format, kind: &str, message: &str, fields: serde_json::Value) {
    let mut stderr = io::stderr().lock();
    let _ = match format {
        Format::Json => {
            let mut w = serde_json::json!({"kind": kind, "message": message});
            if let (Some(o), serde_json::Value::Object(extra)) = (w.as_object_mut(), fields) {
                o.extend(extra);
            }
            writeln!(stderr, "{}", serde_json::json!({ "warning": w }))
        }
        Format::Table => writeln!(stderr, "warning: {}", escaped(message)),
    };
}

/// Prints an error the way SPEC 11 says: one `error: ...` line (+ `hint: ...`), its control
/// characters [`escaped`], or a JSON object.
pub fn print_error(format: Format, err: &Error) {
    let mut stderr = io::stderr().lock();
    let _ = match format {
        Format::Json => writeln!(
            stderr,
            "{}",
            serde_json::json!({"error": {"kind": err.kind().as_str(), "message": err.to_string()}})
        ),
        Format::Table => {
            let _ = writeln!(stderr, "error: {}", escaped(&err.to_string()));
            match err.hint() {
                Some(h) => writeln!(stderr, "hint: {}", escaped(h)),
                None => Ok(()),
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{cell, escaped, escaped_lines, relative, shown, table};
    use serde_json::json;

    /// Controls become escapes; text without any is borrowed as it is; a cut value never
    /// ends inside an escape.
    #[test]
    fn controls_are_escaped_and_values_cut_whole() {
        assert_eq!(
            escaped("a\nb\x1b[2J\x07\u{9b}\u{202e}\t\r\x7f"),
            "a\\nb\\u{1b}[2J\\u{7}\\u{9b}\\u{202e}\\t\\r\\u{7f}"
        );
        assert!(matches!(
            escaped("plain — ünïcode"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escaped_lines("a\nb\x1b"), "a\nb\\u{1b}");
        assert_eq!(shown("abcdef", 6), "abcdef");
        assert_eq!(shown("abcdefg", 6), "abcdef…");
        assert_eq!(shown("ab\x1bc", 6), "ab…");
        assert_eq!(shown("ab\x1bc", 9), "ab\\u{1b}c");
        // a cell keeps its row
        assert_eq!(table(&["A"], [vec!["x\ny".to_string()]]), "A\nx\\ny");
    }

    #[test]
    fn nested_values_are_words_not_json() {
        for (v, text) in [
            (
                json!({"outcome": "created", "watcher_id": 1}),
                "outcome: created, watcher_id: 1",
            ),
            (json!({"summary": "ok", "n": null}), "n: -, summary: ok"),
            (json!(["a", "b"]), "a, b"),
            (json!({"a": {"b": [1, 2]}}), "a: (b: 1, 2)"),
            (json!({}), "-"),
            (json!(true), "true"),
        ] {
            assert_eq!(cell(&v), text);
        }
    }

    use chrono::{Duration, TimeZone, Utc};

    #[track_caller]
    fn case(offset_secs: i64, expected: &str) {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            relative(now + Duration::seconds(offset_secs), now),
            expected
        );
    }

    #[test]
    fn relative_times_read_naturally() {
        case(0, "now");
        case(45, "in 45s");
        case(-120, "2m ago");
        case(3 * 3600, "in 3h");
        case(-3 * 86_400, "3d ago");
    }
}
