//! Re-run the build when a migration changes, so new .sql files get embedded.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
