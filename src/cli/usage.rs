//! Usage errors in SPEC 11's form: one `error:` line that says exactly what is wrong (the
//! missing arguments by name, the flag a value belongs to with the values allowed, the flag
//! another one needs), and clap's usage line as the `hint:`. Built from clap's structured
//! error context, never by cutting its rendered text.

use std::ffi::{OsStr, OsString};

use clap_lex::OsStrExt as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::output::{escaped, shown, Format};

/// The most characters of one value the user gave that an error line echoes (escaped,
/// then cut with `…`).
pub(crate) const SHOWN_MAX: usize = 60;

/// The most characters of a value parser's own reason that an error line carries (the
/// parsers echo at most 40 characters of the value, so theirs are shorter).
const REASON_MAX: usize = 300;

/// An error line and an optional hint line for a clap usage error. Every value the user
/// gave is echoed escaped and cut (see [`safe`]), so the line stays one line whatever the
/// value holds, and nothing in it can drive a terminal.
pub(crate) fn describe(e: &clap::Error, argv: &[OsString]) -> (String, Option<String>) {
    let raw = e;
    let e = &safe(raw);
    let message = match e.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            missing_subcommand(argv)
        }
        ErrorKind::MissingRequiredArgument => missing_arguments(e, argv),
        ErrorKind::InvalidValue => invalid_value(e),
        ErrorKind::ValueValidation => {
            let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
            let value = string(e, ContextKind::InvalidValue).unwrap_or_default();
            // a parser's reason may repeat the value: not when the value is not shown
            let why = std::error::Error::source(raw)
                .filter(|_| value != HIDDEN)
                .map_or_else(String::new, |s| echo(&s.to_string(), REASON_MAX));
            if why.is_empty() {
                format!("invalid value '{value}' for '{arg}'")
            } else {
                format!("invalid value '{value}' for '{arg}': {why}")
            }
        }
        ErrorKind::InvalidUtf8 => invalid_utf8(argv),
        _ => {
            let mut m = first_line(e);
            if let Some(valid) = strings(e, ContextKind::ValidValue) {
                m.push_str(&format!("; possible values: {}", valid.join(", ")));
            }
            m
        }
    };
    let message = match suggestions(e) {
        Some(s) => format!("{message}; {s}"),
        None => message,
    };
    // names and clap's own words only by now; escaped again so that nothing can split it
    let hint = usage(e, argv).map(|h| escaped(&h).into_owned());
    let message = message
        .replace(&format!("'{HIDDEN}'"), HIDDEN_SAID)
        .replace(HIDDEN, HIDDEN_SAID);
    (escaped(&message).into_owned(), hint)
}

/// `e` with every piece of context that may echo the user's words (the unknown argument,
/// the bad value, the misspelt subcommand, clap's tips) [`shown`]: escaped and at most
/// [`SHOWN_MAX`] characters. Clap echoes them whole and raw; a newline would split the
/// line, an escape sequence would reach the terminal, a long value would fill it. The
/// names of arguments and values it also holds are short and plain, so they pass as
/// they are. The reason of a value parser (the error's source) is not copied: see
/// [`describe`].
fn safe(e: &clap::Error) -> clap::Error {
    let mut out = clap::Error::new(e.kind());
    for (kind, value) in e.context() {
        let value = match value {
            ContextValue::String(s) => ContextValue::String(echo(s, SHOWN_MAX)),
            ContextValue::Strings(v) => {
                ContextValue::Strings(v.iter().map(|s| echo(s, SHOWN_MAX)).collect())
            }
            // clap's usage: names only, and of several lines when there are several forms
            ContextValue::StyledStr(s) if kind == ContextKind::Usage => {
                ContextValue::StyledStr(s.clone())
            }
            ContextValue::StyledStr(s) => {
                ContextValue::StyledStr(echo(&s.to_string(), REASON_MAX).into())
            }
            ContextValue::StyledStrs(v) => ContextValue::StyledStrs(
                v.iter()
                    .map(|s| echo(&s.to_string(), REASON_MAX).into())
                    .collect(),
            ),
            other => other.clone(),
        };
        out.insert(kind, value);
    }
    out
}

/// What stands for an argument that [`echo`] does not show, until [`describe`] words it.
const HIDDEN: &str = "<<lobu:not-shown>>";

/// How [`describe`] words a [`HIDDEN`] argument.
const HIDDEN_SAID: &str =
    "'…' (an argument that looks like a connection string or a secret: not shown)";

/// Whether the user's `text` may hold a secret: a URL (`://`), user-info (`@`), a word
/// such as `password`, `passwd` or `secret`, a device token's prefix, or a `key=value` pair (a connection string's).
/// A connection string given where clap did not expect it (`org list postgres://..`, or
/// `--database-url` with an unquoted blank) is echoed by clap in full otherwise.
fn secret_like(text: &str) -> bool {
    let lower = text.to_lowercase();
    let pair = text.split_whitespace().any(|w| {
        let ident = w
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(w.len());
        ident > 0 && w[ident..].starts_with('=')
    });
    pair || [
        "://",
        "@",
        "password",
        "passwd",
        "secret",
        crate::tokens::TOKEN_PREFIX,
    ]
    .iter()
    .any(|s| lower.contains(s))
}

/// `text` [`shown`], or [`HIDDEN`] when it may hold a secret ([`secret_like`]).
fn echo(text: &str, max: usize) -> String {
    if secret_like(text) {
        HIDDEN.into()
    } else {
        shown(text, max)
    }
}

/// Clap's "invalid UTF-8 was detected in one or more arguments", made to say which: the
/// argument's position, the flag it is the value of, and the argument itself with each
/// byte that is not UTF-8 as `\xNN`. Clap stops at the first one it cannot take (a path
/// may be any bytes), so that is the one named: the first whose lossy copy, with every
/// later one made lossy too, still fails.
fn invalid_utf8(argv: &[OsString]) -> String {
    let bad: Vec<usize> = (1..argv.len())
        .filter(|&i| argv[i].to_str().is_none())
        .collect();
    let lossy = |upto: usize| -> Vec<OsString> {
        argv.iter()
            .enumerate()
            .map(|(i, a)| {
                if i > upto {
                    OsString::from(a.to_string_lossy().into_owned())
                } else {
                    a.clone()
                }
            })
            .collect()
    };
    let culprit = bad.iter().copied().find(|&i| {
        super::command()
            .try_get_matches_from(lossy(i))
            .is_err_and(|e| e.kind() == ErrorKind::InvalidUtf8)
    });
    let Some(i) = culprit.or_else(|| bad.first().copied()) else {
        return "invalid UTF-8 was detected in one or more arguments".into();
    };
    let text = argv[i].to_string_lossy();
    let word = if secret_like(&text) {
        HIDDEN.into()
    } else {
        bytes_shown(&argv[i])
    };
    let (cmd, _) = leaf(argv);
    let whose = if text.starts_with("--") && text.contains('=') {
        let flag = text.split('=').next().unwrap_or_default();
        format!(", the value of '{}'", shown(flag, SHOWN_MAX))
    } else {
        match argv
            .get(i - 1)
            .filter(|_| i > 1)
            .map(|p| p.to_string_lossy())
        {
            Some(p) if find_flag(&cmd, &p).is_some_and(takes_value) && !p.contains('=') => {
                format!(", the value of '{}'", shown(&p, SHOWN_MAX))
            }
            Some(p) if p.starts_with('-') && p.len() > 1 => {
                format!(", after '{}'", shown(&p, SHOWN_MAX))
            }
            _ => String::new(),
        }
    };
    format!("invalid UTF-8 in argument {i} ('{word}'{whose}); arguments must be UTF-8 text")
}

/// An argument that is not UTF-8, as an error shows it: the UTF-8 parts [`shown`], each
/// other byte as `\xNN`; at most [`SHOWN_MAX`] characters.
fn bytes_shown(arg: &std::ffi::OsStr) -> String {
    let bytes = arg.as_encoded_bytes();
    let mut text = String::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(&shown(chunk.valid(), usize::MAX));
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02X}"));
        }
    }
    crate::truncate(&text, SHOWN_MAX)
}

/// The usage line of the command the error is about, for the `hint:`.
/// Clap lists the arguments that were given, those from the environment included
/// (`DATABASE_URL` as `--database-url <URL>`): those are left out, since the user did not
/// type them.
fn usage(e: &clap::Error, argv: &[OsString]) -> Option<String> {
    let (cmd, _) = leaf(argv);
    let mut text = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => cmd.clone().render_usage().to_string(),
    };
    for arg in cmd.get_arguments() {
        let from_env = arg
            .get_env()
            .is_some_and(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        let typed = argv.iter().skip(1).any(|w| {
            let w = w.to_string_lossy();
            let name = w.split('=').next().unwrap_or(&w);
            arg.get_long().is_some_and(|l| name == format!("--{l}"))
        });
        if from_env && !typed {
            text = text.replace(&format!(" {arg}"), "");
        }
    }
    let forms: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("Usage:").trim())
        .filter(|l| !l.is_empty())
        .collect();
    (!forms.is_empty()).then(|| format!("usage: {}", forms.join(" | ")))
}

/// `lobu-admin org` without `create`, `list` or `show`: name the subcommands.
fn missing_subcommand(argv: &[OsString]) -> String {
    let (cmd, path) = leaf(argv);
    let names: Vec<&str> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(clap::Command::get_name)
        .collect();
    let what = if path.is_empty() {
        "lobu-admin".to_string()
    } else {
        format!("lobu-admin {}", path.join(" "))
    };
    format!("`{what}` needs a subcommand: {}", names.join(", "))
}

/// Missing arguments: the ones the command always needs, by name; and each one that only
/// another flag needs, as `--a requires --b`.
fn missing_arguments(e: &clap::Error, argv: &[OsString]) -> String {
    let missing = strings(e, ContextKind::InvalidArg).unwrap_or_default();
    let (cmd, _) = leaf(argv);
    let mut required = Vec::new();
    let mut needed = Vec::new();
    for m in missing {
        let requirers = if is_required(&cmd, &m) {
            Vec::new()
        } else {
            requirers(argv, &cmd, &m)
        };
        if requirers.is_empty() {
            required.push(with_help(&cmd, m));
        } else {
            needed.push(format!("{} requires {m}", requirers.join(" and ")));
        }
    }
    // a required group (`<ID>|--org <ORG>|--all`): one of its members
    let (groups, required): (Vec<String>, Vec<String>) = required
        .into_iter()
        .partition(|m| group_members(&cmd, m).is_some());
    let mut parts: Vec<String> = groups
        .iter()
        .filter_map(|g| group_members(&cmd, g))
        .map(|members| format!("missing one of {}", members.join(", ")))
        .collect();
    match required.len() {
        0 => {}
        1 => parts.push(format!("missing required argument {}", required[0])),
        _ => parts.push(format!(
            "missing required arguments {}",
            required.join(", ")
        )),
    }
    parts.extend(needed);
    if parts.is_empty() {
        return first_line(e);
    }
    parts.join("; ")
}

/// The members of the required group that clap shows as `display` (`<ID>|--all`), as
/// clap shows each one.
fn group_members(cmd: &clap::Command, display: &str) -> Option<Vec<String>> {
    if !display.contains('|') {
        return None;
    }
    cmd.get_groups()
        .filter(|g| g.is_required_set())
        .find_map(|g| {
            let members: Vec<&clap::Arg> = g
                .get_args()
                .filter_map(|id| cmd.get_arguments().find(|a| a.get_id() == id))
                .collect();
            let named = |a: &clap::Arg| match a.get_long() {
                Some(l) => display.contains(&format!("--{l}")),
                None => a
                    .get_value_names()
                    .is_some_and(|v| v.iter().all(|v| display.contains(v.as_str()))),
            };
            (!members.is_empty() && members.iter().all(|a| named(a)))
                .then(|| members.iter().map(|a| required_display(a)).collect())
        })
}

/// An argument as clap shows it, a positional one as required (`<ID>...`, not
/// `[ID]...`): it is named because it is missing.
fn required_display(a: &clap::Arg) -> String {
    match a.get_value_names() {
        Some(names) if a.is_positional() => {
            let many = a.get_num_args().is_some_and(|n| n.max_values() > 1);
            format!("<{}>{}", names.join(" "), if many { "..." } else { "" })
        }
        _ => a.to_string(),
    }
}

/// A positional argument as clap shows it, followed by what it is (its help's first
/// line): `<ID> (run id)`; an option's name says that itself.
fn with_help(cmd: &clap::Command, display: String) -> String {
    let help = cmd
        .get_positionals()
        .find(|a| a.to_string() == display)
        .and_then(clap::Arg::get_help)
        .map(ToString::to_string);
    match help.as_deref().and_then(|h| h.lines().next()) {
        Some(h) if !h.is_empty() => {
            let h = h.trim_end_matches('.');
            let mut chars = h.chars();
            let lower: String = chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default();
            format!("{display} ({lower})")
        }
        _ => display,
    }
}

/// A value outside a fixed set (or no value at all): the flag and every value allowed.
fn invalid_value(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut m = if value.is_empty() {
        format!("a value is required for '{arg}' but none was supplied")
    } else {
        format!("invalid value '{value}' for '{arg}'")
    };
    if let Some(valid) = strings(e, ContextKind::ValidValue) {
        m.push_str(&format!("; possible values: {}", valid.join(", ")));
    }
    m
}

/// Clap's suggestions ("did you mean"), as one clause.
fn suggestions(e: &clap::Error) -> Option<String> {
    let mut out = Vec::new();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        if let Some(s) = strings(e, kind) {
            let quoted: Vec<String> = s.iter().map(|s| format!("'{s}'")).collect();
            out.push(format!("did you mean {}?", quoted.join(" or ")));
        }
    }
    if let Some(ContextValue::StyledStrs(s)) = e.get(ContextKind::Suggested) {
        // a tip that would repeat a hidden argument ("to pass '..' as a value") goes
        out.extend(s.iter().map(ToString::to_string).filter(|t| t != HIDDEN));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// The first line of clap's own message, without its `error: ` prefix. `e` is [`safe`]:
/// the values it echoes are escaped and cut already, so this line is the whole message.
fn first_line(e: &clap::Error) -> String {
    let line = e.render().to_string();
    line.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid usage")
        .trim_start_matches("error: ")
        .trim()
        .to_string()
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Option<Vec<String>> {
    match e.get(kind)? {
        ContextValue::Strings(v) if !v.is_empty() => Some(v.clone()),
        ContextValue::String(s) => Some(vec![s.clone()]),
        ContextValue::StyledStrs(v) if !v.is_empty() => {
            Some(v.iter().map(ToString::to_string).collect())
        }
        _ => None,
    }
}

/// The (built) subcommand that `argv` names, and its path below the root.
fn leaf(argv: &[OsString]) -> (clap::Command, Vec<String>) {
    let w = walk(argv);
    (w.cmd, w.path)
}

/// Whether `argv` asks for JSON output, as clap would read it had the command line
/// parsed: the last `-o`/`--output` value wins, in any of clap's spellings (`-o json`,
/// `-ojson`, `-o=json`, `--output json`, `--output=json`, and inside a cluster of short
/// flags, `-qojson`, `-vo json`), before or after the subcommand. A value that is not a
/// format leaves table output (the error is then about `-o` itself).
pub(crate) fn wants_json(argv: &[OsString]) -> bool {
    walk(argv).output.is_some_and(|v| {
        v.to_str()
            .and_then(|v| <Format as clap::ValueEnum>::from_str(v, false).ok())
            == Some(Format::Json)
    })
}

/// What clap makes of a command line, as far as a usage error needs it.
struct Walk {
    /// The (built, so global arguments are on it) subcommand the words name.
    cmd: clap::Command,
    /// Its path below the root.
    path: Vec<String>,
    /// The last `--output` value given.
    output: Option<OsString>,
}

/// Reads `argv` with clap's own lexer and clap's rules: `--name=value` and `--name value`;
/// a cluster of short flags, where the first one that takes a value takes the rest of the
/// word (less one leading `=`) or else the next word; a next word that starts with `-`
/// is a new argument unless the option allows hyphen values (or negative numbers, and it
/// is one); `--` ends the options; a plain word that names a subcommand enters it. Where
/// clap would stop at an error (an unknown flag, a bad value), this goes on reading, so
/// that an `-o json` after the mistake still counts.
fn walk(argv: &[OsString]) -> Walk {
    let mut cmd = super::command();
    cmd.build();
    let mut path = Vec::new();
    let mut output = None;
    let raw = clap_lex::RawArgs::new(argv.iter());
    let mut cursor = raw.cursor();
    let _binary = raw.next_os(&mut cursor);
    while let Some(word) = raw.next(&mut cursor) {
        if word.is_escape() {
            break;
        }
        let pending = match option(&cmd, &word) {
            Some(Ok(pending)) => pending,
            Some(Err(_)) => continue,
            None => {
                if let Ok(name) = word.to_value() {
                    if let Some(sub) = cmd.find_subcommand(name).cloned() {
                        path.push(sub.get_name().to_string());
                        cmd = sub;
                    }
                }
                continue;
            }
        };
        let Some((arg, value)) = pending else {
            continue;
        };
        let value = value.or_else(|| next_value(&raw, &mut cursor, &arg));
        if arg.get_id() == "output" {
            output = value;
        }
    }
    Walk { cmd, path, output }
}

/// An option that takes a value (its argument, and the value given in the same word).
type Pending = Option<(clap::Arg, Option<OsString>)>;

/// What `word` is among `cmd`'s options, as clap reads it: `None` for a plain word (a
/// value, or a subcommand's name); `Err` for one that names no option of `cmd`'s (or
/// nothing clap takes: not UTF-8); else the option that still takes a value here, if
/// any (flags before it in a cluster of short ones taken). A negative number is a value
/// (no short flag is a digit): `Ok(None)`.
fn option(cmd: &clap::Command, word: &clap_lex::ParsedArg<'_>) -> Option<Result<Pending, ()>> {
    let takes_value = |arg: Option<&clap::Arg>| -> Result<Pending, ()> {
        let arg = arg.ok_or(())?;
        Ok(takes_value(arg).then(|| (arg.clone(), None)))
    };
    if let Some((name, inline)) = word.to_long() {
        let Ok(name) = name else { return Some(Err(())) };
        let arg = cmd.get_arguments().find(|a| {
            a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|v| v.contains(&name))
        });
        return Some(
            takes_value(arg)
                .map(|pending| pending.map(|(arg, _)| (arg, inline.map(OsStr::to_os_string)))),
        );
    }
    if word.is_negative_number() {
        return Some(Ok(None));
    }
    let mut shorts = word.to_short()?;
    while let Some(flag) = shorts.next_flag() {
        let Ok(c) = flag else { return Some(Err(())) };
        let arg = cmd.get_arguments().find(|a| {
            a.get_short() == Some(c) || a.get_all_short_aliases().is_some_and(|v| v.contains(&c))
        });
        match takes_value(arg) {
            Ok(Some((arg, _))) => {
                let rest = shorts.next_value_os().filter(|v| !v.is_empty());
                let rest = rest.map(|v| v.strip_prefix("=").unwrap_or(v).to_os_string());
                return Some(Ok(Some((arg, rest))));
            }
            Ok(None) => {}
            Err(()) => return Some(Err(())),
        }
    }
    Some(Ok(None))
}

/// The next word as `arg`'s value, when clap takes it as one: not when it is an option or
/// `--`, unless `arg` allows hyphen values (or negative numbers, and it is one).
fn next_value(
    raw: &clap_lex::RawArgs,
    cursor: &mut clap_lex::ArgCursor,
    arg: &clap::Arg,
) -> Option<OsString> {
    let next = raw.peek(cursor)?;
    let is_value = arg.is_allow_hyphen_values_set()
        || (arg.is_allow_negative_numbers_set() && next.is_negative_number())
        || !(next.is_long() || next.is_short() || next.is_escape());
    is_value.then(|| raw.next_os(cursor).map(OsStr::to_os_string))?
}

/// The subcommand of `root` (whose own subcommands are `subcommands`) that `argv` names,
/// read as [`walk`] reads it, when no word before it is anything but the root's options
/// and their values; `None` for anything else (`--`, a word that is no option of the
/// root's, such as `--help` or `--version`, an option whose value is missing, `help`, no
/// such subcommand), which the whole tree parses (see `super::parse`).
pub(super) fn root_subcommand<'s>(
    root: &clap::Command,
    subcommands: &'s clap::Command,
    argv: &[OsString],
) -> Option<&'s clap::Command> {
    let raw = clap_lex::RawArgs::new(argv.iter());
    let mut cursor = raw.cursor();
    raw.next_os(&mut cursor)?;
    while let Some(word) = raw.next(&mut cursor) {
        if word.is_escape() {
            return None;
        }
        match option(root, &word) {
            Some(Ok(Some((arg, None)))) => {
                next_value(&raw, &mut cursor, &arg)?;
            }
            Some(Ok(_)) => {}
            Some(Err(())) => return None,
            None => return subcommands.find_subcommand(word.to_value().ok()?),
        }
    }
    None
}

/// The argument a command-line word (`--org`, `--org=x`, `-o`) names.
fn find_flag<'a>(cmd: &'a clap::Command, word: &str) -> Option<&'a clap::Arg> {
    let name = word.split('=').next().unwrap_or(word);
    cmd.get_arguments().find(|a| {
        name.strip_prefix("--")
            .is_some_and(|l| a.get_long() == Some(l))
            || (!name.starts_with("--")
                && name.len() == 2
                && name.strip_prefix('-').and_then(|s| s.chars().next()) == a.get_short())
    })
}

fn takes_value(a: &clap::Arg) -> bool {
    a.get_action().takes_values()
}

/// Whether the command needs `display` (an argument as clap shows it, `--org <ORG>`, or a
/// group of them, `<ID>|--all`) on its own, rather than because another flag was given.
fn is_required(cmd: &clap::Command, display: &str) -> bool {
    cmd.get_arguments()
        .any(|a| a.to_string() == display && a.is_required_set())
        || cmd.get_groups().any(|g| {
            g.is_required_set()
                && g.get_args().any(|id| {
                    cmd.get_arguments()
                        .any(|a| a.get_id() == id && display.contains(&a.to_string()))
                })
        })
}

/// The flags given in `argv` that make `missing` required: those without which the same
/// command line no longer misses it (clap keeps its `requires` to itself, so ask it).
fn requirers(argv: &[OsString], cmd: &clap::Command, missing: &str) -> Vec<String> {
    let mut found = Vec::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_positional()) {
        let Some(without) = without_flag(argv, arg) else {
            continue;
        };
        let still_missing = match super::command().try_get_matches_from(&without) {
            Err(e) if e.kind() == ErrorKind::MissingRequiredArgument => {
                strings(&e, ContextKind::InvalidArg).is_some_and(|m| m.iter().any(|m| m == missing))
            }
            _ => false,
        };
        if !still_missing {
            let name = arg
                .get_long()
                .map(|l| format!("--{l}"))
                .or_else(|| arg.get_short().map(|s| format!("-{s}")))
                .unwrap_or_else(|| arg.to_string());
            found.push(name);
        }
    }
    found
}

/// `argv` without the occurrences of `arg` (and their values), or `None` when it has none.
fn without_flag(argv: &[OsString], arg: &clap::Arg) -> Option<Vec<OsString>> {
    let mut out = Vec::with_capacity(argv.len());
    let mut removed = false;
    let mut skip_value = false;
    for (i, word) in argv.iter().enumerate() {
        if skip_value {
            skip_value = false;
            continue;
        }
        let text = word.to_string_lossy();
        let names_it = i > 0 && text.starts_with('-') && text != "--" && {
            let name = text.split('=').next().unwrap_or(&text);
            name.strip_prefix("--").map_or_else(
                || name.len() == 2 && name[1..].chars().next() == arg.get_short(),
                |l| arg.get_long() == Some(l),
            )
        };
        if names_it {
            removed = true;
            skip_value = takes_value(arg) && !text.contains('=');
            continue;
        }
        out.push(word.clone());
    }
    removed.then_some(out)
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::error::ErrorKind;
    use clap::Parser;

    use super::super::{Cli, Format};
    use super::wants_json;

    fn argv(words: &[String]) -> Vec<OsString> {
        std::iter::once("lobu-admin".to_string())
            .chain(words.iter().cloned())
            .map(OsString::from)
            .collect()
    }

    /// Every spelling of `--output` that clap takes (alone and inside clusters of short
    /// flags), given once or twice, before or after the subcommand: JSON error mode is on
    /// exactly when clap parsed `json`. It missed `-qojson` and `-vo json`, and took
    /// `--output json --output table` for JSON although clap keeps the last.
    #[test]
    fn json_mode_is_what_clap_parses() {
        let spellings = |v: &str| -> Vec<Vec<String>> {
            [
                vec!["-o".to_string(), v.to_string()],
                vec![format!("-o{v}")],
                vec![format!("-o={v}")],
                vec!["--output".to_string(), v.to_string()],
                vec![format!("--output={v}")],
                vec![format!("-qo{v}")],
                vec![format!("-vqo={v}")],
                vec!["-vo".to_string(), v.to_string()],
            ]
            .into()
        };
        // each spelling with the format it gives
        let given: Vec<(Vec<String>, Option<bool>)> = [("json", true), ("table", false)]
            .iter()
            .flat_map(|(v, json)| spellings(v).into_iter().map(|w| (w, Some(*json))))
            .chain([(vec![], None)])
            .collect();
        let command = ["schedule", "preview", "0 9 * * *", "--count", "3"].map(String::from);
        let (mut parsed, mut repeated) = (0, 0);
        for (first, first_json) in &given {
            for (second, second_json) in &given {
                // the second one on the root command, or on the subcommand
                for split in [0, 2] {
                    let mut words = first.clone();
                    words.extend_from_slice(&command[..split]);
                    words.extend(second.iter().cloned());
                    words.extend_from_slice(&command[split..]);
                    let argv = argv(&words);
                    match Cli::try_parse_from(&argv) {
                        Ok(cli) => {
                            assert_eq!(
                                wants_json(&argv),
                                cli.global.output == Format::Json,
                                "{words:?}"
                            );
                            parsed += 1;
                        }
                        // given twice on the same command: clap refuses it, and the error
                        // (about `--output` itself) follows the last one
                        Err(e) if e.kind() == ErrorKind::ArgumentConflict => {
                            let last = second_json.or(*first_json) == Some(true);
                            assert_eq!(wants_json(&argv), last, "{words:?}");
                            repeated += 1;
                        }
                        Err(e) => panic!("{words:?}: {e}"),
                    }
                }
            }
        }
        assert!(parsed > 300 && repeated > 200, "{parsed} {repeated}");
    }

    /// Every argument whose value is a number (a count, an id) or a duration hands a
    /// negative one to its value parser, which says what is wrong ("at least 1", "no
    /// sign"); clap said "unexpected argument '-1' found".
    #[test]
    fn negative_numbers_and_durations_reach_the_value_parsers() {
        use std::any::TypeId;
        fn walk_tree(
            path: &[String],
            cmd: &clap::Command,
            out: &mut Vec<(Vec<String>, clap::Arg)>,
        ) {
            out.extend(cmd.get_arguments().map(|a| (path.to_vec(), a.clone())));
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let mut p = path.to_vec();
                p.push(sub.get_name().to_string());
                walk_tree(&p, sub, out);
            }
        }
        let mut args = Vec::new();
        // deferred subcommands are empty until built
        let mut root = super::super::command();
        root.build();
        walk_tree(&[], &root, &mut args);
        let mut checked = 0;
        for (path, arg) in args {
            let ty = arg.get_value_parser().type_id();
            let value = if ty == TypeId::of::<i64>() {
                "-1"
            } else if ty == TypeId::of::<i32>() || ty == TypeId::of::<chrono::Duration>() {
                "-5m"
            } else {
                continue;
            };
            let mut words = path.clone();
            match arg.get_long() {
                Some(long) => words.extend([format!("--{long}"), value.to_string()]),
                None => words.push(value.to_string()),
            }
            let e = super::super::command()
                .try_get_matches_from(argv(&words))
                .expect_err(&format!("{words:?}"));
            assert_eq!(e.kind(), ErrorKind::ValueValidation, "{words:?}: {e}");
            checked += 1;
        }
        assert!(checked >= 25, "only {checked} arguments checked");
    }

    /// Where clap stops at a mistake, an `-o json` after it still asks for JSON; a bad
    /// format, or none, is table output.
    #[test]
    fn json_mode_reads_past_a_mistake() {
        for (words, json) in [
            (&["watchers", "list", "--bogus", "-ojson"][..], true),
            (&["watchers", "list", "--limit", "x", "-o", "json"], true),
            (&["-o", "json", "-o", "yaml", "status"], false),
            (&["status", "-o"], false),
            (&["-o", "--quiet", "json", "status"], false),
            (&["status", "--", "-o", "json"], false),
        ] {
            let words: Vec<String> = words.iter().map(ToString::to_string).collect();
            assert_eq!(wants_json(&argv(&words)), json, "{words:?}");
        }
    }

    /// What clap makes of `argv` with the whole tree, and with `parse`'s root that holds
    /// only the subcommand the words name: the parsed command, or the error word for word.
    fn both_ways(argv: &[OsString]) -> (String, String) {
        use clap::{CommandFactory, FromArgMatches};
        let outcome = |r: Result<Cli, clap::Error>| match r {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("{:?}\n{}", e.kind(), e.render()),
        };
        let whole = Cli::command()
            .try_get_matches_from(argv)
            .and_then(|m| Cli::from_arg_matches(&m));
        (outcome(whole), outcome(super::super::parse(argv)))
    }

    /// Every command of the tree, with the global options spelt before and after it, its
    /// help, a missing, extra, unknown or misspelt word, `--`: the root holding only the
    /// named subcommand parses as the whole tree.
    #[test]
    fn the_root_alone_parses_as_the_whole_tree() {
        fn paths(path: &[String], cmd: &clap::Command, out: &mut Vec<Vec<String>>) {
            out.push(path.to_vec());
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let mut p = path.to_vec();
                p.push(sub.get_name().to_string());
                paths(&p, sub, out);
            }
        }
        let mut tree = super::super::command();
        tree.build();
        let mut all = Vec::new();
        paths(&[], &tree, &mut all);
        let words = |w: &[&str]| w.iter().map(ToString::to_string).collect::<Vec<_>>();
        let before = [
            words(&[]),
            words(&["-o", "json"]),
            words(&["-qvojson"]),
            words(&["--actor", "ada", "-q"]),
            words(&["--database-url=postgres://h/d"]),
            words(&["--output", "yaml"]),
            words(&["-o"]),
            words(&["--bogus"]),
            words(&["--"]),
            words(&["help"]),
            words(&["-V"]),
            // an option's value that names a subcommand; a missing one, where clap reads
            // the next word as an option (and suggests from every subcommand after it)
            words(&["--actor", "runs"]),
            words(&["--database-url", "org"]),
            words(&["-o", "--dry-ru"]),
            words(&["--actor", "--updat"]),
        ];
        let after = [
            words(&[]),
            words(&["migrate"]),
            words(&["--help"]),
            words(&["acme"]),
            words(&["acme", "-o", "json", "--actor", "ada"]),
            words(&["1", "-1"]),
            words(&["--bogus"]),
            words(&["shwo"]),
            words(&["--", "-o"]),
        ];
        let mut compared = 0;
        for path in &all {
            for b in &before {
                for a in &after {
                    let w: Vec<String> = b.iter().chain(path).chain(a).cloned().collect();
                    let (whole, alone) = both_ways(&argv(&w));
                    assert_eq!(alone, whole, "{w:?}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 5_000, "{compared}");
    }

    /// `Root` is `Cli`'s root without the subcommands: the same settings.
    #[test]
    fn the_root_alone_has_the_whole_roots_settings() {
        use clap::CommandFactory;
        let (alone, whole) = (super::super::Root::command(), Cli::command());
        assert_eq!(alone.get_name(), whole.get_name());
        assert_eq!(alone.get_version(), whole.get_version());
        assert_eq!(
            alone.get_about().map(ToString::to_string),
            whole.get_about().map(ToString::to_string)
        );
        assert_eq!(
            alone.get_long_about().map(ToString::to_string),
            whole.get_long_about().map(ToString::to_string)
        );
        assert_eq!(
            alone.is_subcommand_required_set(),
            whole.is_subcommand_required_set()
        );
        assert_eq!(
            alone.is_arg_required_else_help_set(),
            whole.is_arg_required_else_help_set()
        );
        let ids = |c: &clap::Command| {
            c.get_arguments()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&alone), ids(&whole));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]
        /// Any words from the tree's names, the global options and their values, and
        /// mistakes: the root holding only the named subcommand parses as the whole tree.
        #[test]
        fn any_words_parse_as_with_the_whole_tree(
            picks in proptest::collection::vec(0usize..36, 0..7)
        ) {
            const WORDS: [&str; 36] = [
                "org", "show", "list", "watchers", "trigger", "runs", "claim", "schedule",
                "preview", "help", "acme", "1", "-1", "0 9 * * *", "-o", "json", "yaml",
                "-q", "-v", "-qv", "-ojson", "--output=table", "--actor", "--actor=ada",
                "--database-url", "postgres://h/d", "--help", "-h", "-V", "--", "--bogus",
                "-", "seed", "migrate", "--dry-ru", "--updat",
            ];
            let w: Vec<String> = picks.iter().map(|&i| WORDS[i].to_string()).collect();
            let (whole, alone) = both_ways(&argv(&w));
            proptest::prop_assert_eq!(alone, whole, "{:?}", w);
        }
    }
}
