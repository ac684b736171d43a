//! The committed completion scripts match what the binary generates.

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

#[test]
fn man_page_renders() {
    let r = bare().args(["man"]).run();
    r.code(0);
    assert!(r.stdout.contains(".TH lobu-admin 1"));
    assert!(r.stdout.contains("register\\-device"));
    assert!(r.stdout.contains(".SH EXAMPLES"), "{}", r.stdout);
    assert!(
        r.stdout.contains("watchers trigger 7 \\-\\-admin")
            || r.stdout.contains("watchers trigger 7 --admin")
    );
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
