//! The previous release's binary (SPEC 19): built once from the commit before the newest
//! migration (or `LOBU_PREVIOUS_RELEASE`, any git revision), in a source tree exported with
//! `git archive` under the target directory, sharing this build's compiled dependencies,
//! and cached there by commit.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn git(args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The commit of the previous release: `LOBU_PREVIOUS_RELEASE`, else the parent of the
/// commit that added the first migration after the released ones (V9, the first of the
/// online runner; HEAD while that migration is not committed). Not the newest migration's:
/// this release's V9 to V11 are all pending for the previous release, and the tests build
/// V9's indexes under load.
pub fn commit() -> String {
    let rev = std::env::var("LOBU_PREVIOUS_RELEASE").unwrap_or_else(|_| {
        let newest = format!(
            "migrations/V{v}__*.sql",
            v = lobu_admin::db::migrate::LEGACY_LAST + 1
        );
        let added = git(&["log", "-1", "--format=%H", "--diff-filter=A", "--", &newest]);
        if added.is_empty() {
            "HEAD".into()
        } else {
            format!("{added}^")
        }
    });
    git(&["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
}

/// The target directory this test binary was built in (`<target>/<profile>/deps/it-*`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

/// The previous release's `lobu-admin`, built on first use.
pub fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let commit = commit();
        let short = &commit[..12];
        let target = target_dir();
        let home = target.join("previous-release");
        let bin = home.join(format!("lobu-admin-{short}"));
        if bin.exists() {
            return bin;
        }
        let src = home.join(format!("src-{short}"));
        let _ = std::fs::remove_dir_all(&src);
        std::fs::create_dir_all(&src).unwrap();
        let archive = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "git -C '{}' archive {commit} | tar -x -C '{}'",
                env!("CARGO_MANIFEST_DIR"),
                src.display()
            ))
            .status()
            .unwrap();
        assert!(archive.success(), "git archive {commit}");
        // a package and binary of their own name: built in the shared target directory
        // under the same name, its build script's output and its binary would replace this
        // build's (cargo names them after the package, not after where it lies)
        let manifest = src.join("Cargo.toml");
        let toml = std::fs::read_to_string(&manifest)
            .unwrap()
            .replacen(
                "[package]\nname = \"lobu-admin\"",
                "[package]\nname = \"lobu-admin-previous\"",
                1,
            )
            .replacen(
                "[[bin]]\nname = \"lobu-admin\"",
                "[[bin]]\nname = \"lobu-admin-previous\"",
                1,
            );
        assert_eq!(
            toml.matches("lobu-admin-previous").count(),
            2,
            "no [package] or [[bin]] named lobu-admin in {commit}"
        );
        std::fs::write(&manifest, toml).unwrap();
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo
            .current_dir(&src)
            .args([
                "build",
                "--quiet",
                "--bin",
                "lobu-admin-previous",
                "--target-dir",
            ])
            .arg(&target);
        // the outer cargo's variables describe this package, not that one
        for (k, _) in std::env::vars() {
            if k.starts_with("CARGO_") && k != "CARGO_HOME" || k.starts_with("__CARGO") {
                cargo.env_remove(k);
            }
        }
        let started = std::time::Instant::now();
        let status = cargo.status().unwrap();
        assert!(status.success(), "building the previous release {commit}");
        eprintln!(
            "built the previous release {short} in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        let built = target.join("debug").join("lobu-admin-previous");
        std::fs::copy(&built, &bin).unwrap();
        let _ = std::fs::remove_dir_all(&src);
        bin
    })
}

/// The previous release's binary with `DATABASE_URL` set.
pub fn cli(url: &str) -> super::cli::Cli {
    super::cli::Cli::with_program(binary(), url)
}
