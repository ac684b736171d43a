//! The `lobu-admin` binary: hands argv to the library's CLI.
fn main() -> std::process::ExitCode {
    lobu_admin::cli::run(std::env::args_os())
}
