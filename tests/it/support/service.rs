//! `lobu-admin ... dispatch --loop` as a child process whose stdout lines are collected,
//! with their arrival time, while the test works; stopped by a signal.

use std::io::BufRead;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

/// A running dispatch loop.
pub struct Loop {
    child: Child,
    reader: Option<JoinHandle<()>>,
    lines: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Loop {
    /// Starts `lobu-admin <args>` with `DATABASE_URL=url`.
    pub fn spawn(url: &str, args: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
            .args(args)
            .env("DATABASE_URL", url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for l in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().unwrap().push((Instant::now(), l));
            }
        });
        Self {
            child,
            reader: Some(reader),
            lines,
        }
    }

    /// The lines so far, with their arrival times.
    pub fn lines(&self) -> Vec<(Instant, String)> {
        self.lines.lock().unwrap().clone()
    }

    /// Sends `signal` (`INT`, `TERM`) and waits: the exit status, stderr and every line.
    pub fn stop(mut self, signal: &str) -> (ExitStatus, String, Vec<(Instant, String)>) {
        Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        let out = self.child.wait_with_output().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let lines = self.lines.lock().unwrap().clone();
        (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
            lines,
        )
    }
}
