//! The committed completion scripts match what the binary generates; the man page covers
//! every command, the exit status and every variable the tool reads.

use crate::support::bare;

const FILES: [(&str, &str); 5] = [
    ("bash", "lobu-admin.bash"),
    ("zsh", "_lobu-admin"),
    ("fish", "lobu-admin.fish"),
    ("powershell", "_lobu-admin.ps1"),
    ("elvish", "lobu-admin.elv"),
];

#[test]
fn committed_completions_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("LOBU_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in FILES {
        let r = bare().args(["completions", shell]).run();
        r.code(0);
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &r.stdout).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == r.stdout,
            "completions/{file} is stale: run `LOBU_UPDATE_COMPLETIONS=1 cargo test completions`"
        );
    }
}

/// One page for the whole tool: every command (its synopsis, options and examples), EXIT
/// STATUS, ENVIRONMENT; no reference to a page that does not exist (clap_mangen's default
/// names a `lobu-admin-<command>(1)` page per subcommand).
#[test]
fn man_page_renders() {
    let r = bare().args(["man"]).run();
    r.code(0);
    let page = &r.stdout;
    assert!(page.contains(".TH lobu-admin 1"));
    assert!(page.contains("register\\-device"));
    assert!(
        page.contains("watchers trigger 7 \\-\\-admin")
            || page.contains("watchers trigger 7 --admin")
    );
    // no man page but this one is named
    let refs: Vec<&str> = page
        .match_indices("(1)")
        .map(|(i, _)| &page[page[..i].rfind(char::is_whitespace).unwrap_or(0)..i + 3])
        .collect();
    assert!(refs.is_empty(), "references to other pages: {refs:?}");
    // every command that runs has its subsection
    // built: the subcommands are deferred, empty until built (which adds clap's `help`
    // subcommands, not the tool's)
    let mut root = lobu_admin::cli::command();
    root.build();
    let mut stack = vec![(String::new(), root)];
    while let Some((path, cmd)) = stack.pop() {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = format!("{path} {}", sub.get_name()).trim().to_string();
            stack.push((p, sub.clone()));
        }
        if !path.is_empty() && !cmd.is_subcommand_required_set() {
            assert!(
                page.contains(&format!(".SS \"lobu-admin {path}\"\n")),
                "no subsection for {path}"
            );
        }
    }
    let section = |name: &str| {
        let start = page
            .find(&format!(".SH {name}\n"))
            .unwrap_or_else(|| panic!("no {name} section"));
        let rest = &page[start + 4..];
        rest[..rest.find("\n.SH ").unwrap_or(rest.len())].to_string()
    };
    let exit = section("\"EXIT STATUS\"");
    for code in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130"] {
        assert!(
            exit.contains(&format!(".TP\n\\fB{code}\\fR")),
            "exit {code}: {exit}"
        );
    }
    let environment = section("ENVIRONMENT");
    for name in variables_read() {
        assert!(environment.contains(&name), "{name} is not in ENVIRONMENT");
    }
    // the connection variables of libpq, and the audit trail's actor
    for name in [
        "PGHOST",
        "PGHOSTADDR",
        "PGPORT",
        "PGDATABASE",
        "PGUSER",
        "PGPASSWORD",
        "PGPASSFILE",
        "PGSERVICE",
        "PGSERVICEFILE",
        "PGSYSCONFDIR",
        "PGSSLMODE",
        "PGSSLROOTCERT",
        "PGSSLCERT",
        "PGSSLKEY",
        "PGAPPNAME",
        "PGCONNECT_TIMEOUT",
        "PGTARGETSESSIONATTRS",
        "LOBU_ACTOR",
    ] {
        assert!(environment.contains(name), "{name} is not in ENVIRONMENT");
    }
}

/// The environment variables the sources read: clap's `env = "..."`, `env::var("...")`,
/// `env::var_os("...")`, and any `"PG..."` or `"LOBU_..."` string (a list of names that
/// a loop reads, as libpq's variables may be).
fn variables_read() -> std::collections::BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut sources = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    let mut names = std::collections::BTreeSet::new();
    for text in &sources {
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let word = &rest[..end];
            let before = text[..i].trim_end();
            let is_name = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let read = before.ends_with("env =")
                || before.ends_with("var(")
                || before.ends_with("var_os(")
                // PG_VERSION is a file of the data directory, not a variable
                || (word.starts_with("PG") && !word.starts_with("PG_"))
                || word.starts_with("LOBU_");
            if is_name && read && word.len() > 2 {
                names.insert(word.to_string());
            }
        }
    }
    assert!(
        names.contains("DATABASE_URL") && names.contains("LOBU_ADMIN_HOME"),
        "{names:?}"
    );
    names
}

#[test]
fn the_first_commands_have_examples() {
    for args in [
        &["provision-agent", "--help"][..],
        &["register-device", "--help"],
        &["watchers", "list", "--help"],
        &["watchers", "trigger", "--help"],
        &["dispatch", "--help"],
        &["runs", "claim", "--help"],
        &["seed", "--help"],
    ] {
        let r = bare().args(args).run();
        r.code(0);
        assert!(
            r.stdout.contains("Examples:\n  lobu-admin")
                || r.stdout.contains("Examples:\n  LOBU_")
                || r.stdout.contains("Examples:\n  cat "),
            "{args:?}: {}",
            r.stdout
        );
    }
}

/// The README and docs/ carry the contract themselves: no pointer to a file outside the
/// repository (the spec it was written from), every relative link resolves, and the
/// README stays a short front door.
#[test]
fn the_docs_stand_on_their_own() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for outside in ["SPEC.md", "../shared", "SPEC "] {
            assert!(
                !text.contains(outside),
                "{} refers to {outside:?}, which users of the tool do not have",
                path.display()
            );
        }
        // relative links: [text](path) and [text](path#anchor)
        for (i, _) in text.match_indices("](") {
            let target = &text[i + 2..];
            let target = &target[..target.find(')').unwrap_or(0)];
            let file = target.split('#').next().unwrap_or("");
            if file.is_empty() || file.contains("://") {
                continue;
            }
            let resolved = path.parent().unwrap().join(file);
            assert!(
                resolved.exists(),
                "{}: broken link {target}",
                path.display()
            );
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.len() < 9000, "README.md is {} bytes", readme.len());
    let reference = std::fs::read_to_string(root.join("docs/reference.md")).unwrap();
    for part in [
        "## JSON output",
        "## Provisioning outcomes",
        "## Usage errors",
        "`w` weeks",
        "watchers reschedule",
    ] {
        assert!(reference.contains(part), "docs/reference.md lacks {part:?}");
    }
}
