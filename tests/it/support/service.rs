//! `lobu-admin ... dispatch --loop` as a child process whose stdout lines are collected,
//! with their arrival time, while the test works; stopped by a signal, and killed on drop
//! when a test fails before it stops the loop.

use std::io::{BufRead, Read};
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
        Self::spawn_with(
            Command::new(assert_cmd::cargo::cargo_bin("lobu-admin")),
            url,
            args,
        )
    }

    /// `lobu-admin -o json dispatch --loop --interval 1s <extra>` on `url`.
    pub fn dispatch(url: &str, extra: &[&str]) -> Self {
        Self::dispatch_with(
            Command::new(assert_cmd::cargo::cargo_bin("lobu-admin")),
            url,
            extra,
        )
    }

    /// As [`Loop::dispatch`], through `cmd` (a network namespace, libfaketime, ...).
    pub fn dispatch_with(cmd: Command, url: &str, extra: &[&str]) -> Self {
        let mut args = vec!["-o", "json", "dispatch", "--loop", "--interval", "1s"];
        args.extend_from_slice(extra);
        Self::spawn_with(cmd, url, &args)
    }

    /// As [`Loop::spawn`], from a command that runs `lobu-admin` (inside a network
    /// namespace, under libfaketime, ...).
    pub fn spawn_with(mut cmd: Command, url: &str, args: &[&str]) -> Self {
        let mut child = cmd
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

    /// Waits up to `limit` for a line after `since` that contains `needle`; its arrival.
    pub fn wait_for(
        &self,
        needle: &str,
        since: Instant,
        limit: std::time::Duration,
    ) -> Option<Instant> {
        let start = Instant::now();
        loop {
            if let Some((at, _)) = self
                .lines()
                .into_iter()
                .find(|(at, l)| *at >= since && l.contains(needle))
            {
                return Some(at);
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// The lines so far, with their arrival times.
    pub fn lines(&self) -> Vec<(Instant, String)> {
        self.lines.lock().unwrap().clone()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running (else its exit status).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Sends `signal` (`INT`, `TERM`) and waits: the exit status, stderr and every line.
    pub fn stop(mut self, signal: &str) -> (ExitStatus, String, Vec<(Instant, String)>) {
        Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut stderr).unwrap();
        }
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let lines = self.lines.lock().unwrap().clone();
        (status, stderr, lines)
    }
}

impl Drop for Loop {
    /// A loop the test did not stop (it failed first) is killed, so nothing keeps running.
    fn drop(&mut self) {
        if self.child.try_wait().is_ok_and(|s| s.is_none()) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
