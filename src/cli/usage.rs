//! Usage errors in SPEC 11's form: one `error:` line that says exactly what is wrong (the
//! missing arguments by name, the flag a value belongs to with the values allowed, the flag
//! another one needs), and clap's usage line as the `hint:`. Built from clap's structured
//! error context, never by cutting its rendered text.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// An error line and an optional hint line for a clap usage error.
pub(crate) fn describe(e: &clap::Error, argv: &[OsString]) -> (String, Option<String>) {
    let message = match e.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            missing_subcommand(argv)
        }
        ErrorKind::MissingRequiredArgument => missing_arguments(e, argv),
        ErrorKind::InvalidValue => invalid_value(e),
        ErrorKind::ValueValidation => {
            let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
            let value = shown(&string(e, ContextKind::InvalidValue).unwrap_or_default());
            let why = std::error::Error::source(e).map_or_else(String::new, |s| s.to_string());
            format!("invalid value '{value}' for '{arg}': {why}")
        }
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
    (message, usage(e, argv))
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
    let value = shown(&string(e, ContextKind::InvalidValue).unwrap_or_default());
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
        out.extend(s.iter().map(ToString::to_string));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// The first line of clap's own message, without its `error: ` prefix (cut short: it may
/// echo a value of any length).
fn first_line(e: &clap::Error) -> String {
    let line = e.render().to_string();
    let line = line
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid usage")
        .trim_start_matches("error: ")
        .trim();
    crate::truncate(line, 300)
}

/// A value the user gave, as echoed in a message: at most 60 characters.
fn shown(value: &str) -> String {
    crate::truncate(value, 60)
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

/// The (built) subcommand that `argv` names, and its path below the root: the words of
/// `argv` that are subcommand names, in order, skipping the values of options.
fn leaf(argv: &[OsString]) -> (clap::Command, Vec<String>) {
    let mut cmd = super::command();
    cmd.build();
    let mut path = Vec::new();
    let mut words = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word.starts_with('-') {
            if !word.contains('=') && find_flag(&cmd, &word).is_some_and(takes_value) {
                words.next();
            }
            continue;
        }
        let Some(sub) = cmd.find_subcommand(word.as_ref()).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_string());
        cmd = sub;
    }
    (cmd, path)
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
