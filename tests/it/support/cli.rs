//! A command builder over assert_cmd: args, token, stdin, then exit code, output, JSON.

use std::process::Output;

use serde_json::Value;

use super::db::TestDb;

/// Builds one `lobu-admin` invocation against a test database.
pub struct Cli {
    cmd: assert_cmd::Command,
}

/// `lobu-admin` on `db`.
pub fn cli(db: &TestDb) -> Cli {
    let mut c = bare();
    c.cmd.env("DATABASE_URL", &db.url);
    c
}

/// `lobu-admin` with no database configured.
pub fn bare() -> Cli {
    Cli::of(assert_cmd::Command::cargo_bin("lobu-admin").unwrap())
}

impl Cli {
    /// Another build of the tool (the previous release) with `DATABASE_URL` set.
    pub fn with_program(program: &std::path::Path, url: &str) -> Self {
        let mut c = Self::of(assert_cmd::Command::new(program));
        c.cmd.env("DATABASE_URL", url);
        c
    }

    fn of(mut cmd: assert_cmd::Command) -> Self {
        cmd.env_remove("DATABASE_URL")
            .env_remove("LOBU_DEVICE_TOKEN")
            .env_remove("LOBU_ACTOR")
            .env("NO_COLOR", "1")
            .timeout(std::time::Duration::from_secs(120));
        Self { cmd }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Passes a device token through the environment.
    pub fn token(mut self, token: &str) -> Self {
        self.cmd.env("LOBU_DEVICE_TOKEN", token);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.cmd.env(k, v);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(mut self, k: &str) -> Self {
        self.cmd.env_remove(k);
        self
    }

    /// Runs on a host whose clock is `offset` away (libfaketime: `+5m`, `-2h`, ...); the
    /// monotonic clock is left alone.
    pub fn skewed(self, offset: &str) -> Self {
        self.env("LD_PRELOAD", &libfaketime())
            .env("FAKETIME", offset)
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
    }

    /// Feeds standard input.
    pub fn stdin(mut self, input: &str) -> Self {
        self.cmd.write_stdin(input.to_string());
        self
    }

    /// Runs it.
    pub fn run(mut self) -> Run {
        let out: Output = self.cmd.output().unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "panic: {}",
            run.stderr
        );
        run
    }

    /// Runs it and expects exit 0 and JSON on stdout.
    #[track_caller]
    pub fn json(self) -> Value {
        let r = self.args(["-o", "json"]).run();
        assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
        r.json()
    }
}

/// What an invocation did.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    /// Asserts the exit code (and that errors are one `error:` line).
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        if expected != 0 && !self.stderr.starts_with('{') {
            assert!(
                self.stderr.starts_with("error: "),
                "stderr should start with `error: `: {}",
                self.stderr
            );
        }
        self
    }

    /// The JSON error object printed with `-o json`.
    #[track_caller]
    pub fn json_error(&self) -> Value {
        let v: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not a JSON error ({e}): {}", self.stderr));
        v["error"].clone()
    }
}

/// libfaketime's library (Debian's `libfaketime`, installed with `faketime`).
pub fn libfaketime() -> String {
    std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(Result::ok)
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .find(|p| p.is_file())
        .expect("libfaketime is not installed (`apt-get install faketime`; .ci/run installs it)")
        .display()
        .to_string()
}
