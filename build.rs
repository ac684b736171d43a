//! Re-run the build when a migration changes, so new .sql files get embedded; and write the
//! newest migration version and the number of migrations as constants, so that the schema
//! check of every command compares two integers instead of parsing the embedded migrations
//! (refinery's runner compiles a regex: ~1.5 ms of a one-shot command's life).
#![allow(clippy::expect_used)]
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    // A one-shot command's life starts with the loader: as a position-independent
    // executable (rustc's default) this binary carries ~48,000 relative relocations (panic
    // locations, format pieces, vtables, time-zone tables), and applying them dirties ~350
    // pages at every start: 1.2 ms of a 3 ms start. Linked at a fixed address the pages
    // stay clean. Libraries, stack, heap and mmap keep their random addresses; set
    // LOBU_ADMIN_PIE=1 at build time to keep the executable's own address random too
    // (docs/decisions.md).
    println!("cargo:rerun-if-env-changed=LOBU_ADMIN_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var_os("LOBU_ADMIN_PIE").is_none() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let mut versions: Vec<i32> = std::fs::read_dir("migrations")
        .expect("migrations/ is readable")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let rest = name.strip_prefix('V')?.strip_suffix(".sql")?;
            rest.split_once("__")?.0.parse().ok()
        })
        .collect();
    versions.sort_unstable();
    let latest = versions.last().copied().unwrap_or(0);
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("schema.rs");
    std::fs::write(
        out,
        format!(
            "/// The newest embedded migration's version.\npub const LATEST_VERSION: i32 = {latest};\n\
             /// How many migrations are embedded.\npub const MIGRATIONS: i64 = {};\n",
            versions.len()
        ),
    )
    .expect("OUT_DIR is writable");
    // the newest version and the count as literals too, for the settings query that `concat!` builds
    let macros =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("schema_macros.rs");
    std::fs::write(
        macros,
        format!(
            "macro_rules! latest_version {{ () => {{ \"{latest}\" }} }}\n\
             macro_rules! migrations_count {{ () => {{ \"{}\" }} }}\n",
            versions.len()
        ),
    )
    .expect("OUT_DIR is writable");
}
