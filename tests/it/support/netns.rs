//! A network namespace made by a test, named after it, with only a loopback interface, and
//! an nftables table in it that can turn a TCP port dark (every packet dropped, nothing
//! answered): deleted on drop, also when the test fails. Traffic stays on its loopback.

use std::process::{Command, Output};

/// A private network namespace.
pub struct Netns {
    /// Its name (`lobu-<test>-<pid>`).
    pub name: String,
}

#[track_caller]
fn run(what: &str, o: &Output) {
    assert!(
        o.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Deletes the namespaces of test processes that no longer run (`lobu-<test>-<pid>`): drop
/// deletes a test's own, but not when its process was killed outright (SIGKILL).
fn sweep_orphans() {
    let Ok(list) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for name in String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with("lobu-"))
    {
        let pid = name.rsplit('-').next().unwrap_or("");
        if pid.parse::<u32>().is_ok() && !std::path::Path::new("/proc").join(pid).exists() {
            let _ = Command::new("ip").args(["netns", "delete", name]).output();
        }
    }
}

impl Netns {
    /// Creates `lobu-<test>-<pid>` with its loopback up (needs root and `nft`).
    pub fn new(test: &str) -> Self {
        assert!(
            Command::new("nft").arg("--version").output().is_ok(),
            "nft is not installed (`apt-get install nftables`; .ci/run installs it)"
        );
        sweep_orphans();
        let name = format!("lobu-{test}-{}", std::process::id());
        let _ = Command::new("ip").args(["netns", "delete", &name]).output();
        run(
            "ip netns add",
            &Command::new("ip")
                .args(["netns", "add", &name])
                .output()
                .unwrap(),
        );
        let ns = Self { name };
        run(
            "ip link set lo up",
            &ns.command("ip")
                .args(["link", "set", "lo", "up"])
                .output()
                .unwrap(),
        );
        ns
    }

    /// `program` run inside the namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }

    fn nft(&self, script: &str) {
        run(
            "nft",
            &self
                .command("nft")
                .args(["-f", "-"])
                .stdin_pipe(script)
                .unwrap(),
        );
    }

    /// Drops every packet to and from `port` (on `addr` only, if given): the path goes dark.
    pub fn go_dark(&self, port: u16, addr: Option<&str>) {
        let (to, from) = match addr {
            Some(a) => (format!("ip daddr {a} "), format!("ip saddr {a} ")),
            None => (String::new(), String::new()),
        };
        self.nft(&format!(
            "table inet lobu_dark {{\n chain input {{\n  type filter hook input priority 0; policy accept;\n  \
             {to}tcp dport {port} drop\n  {from}tcp sport {port} drop\n }}\n}}\n"
        ));
    }

    /// Removes the drop rules: the path heals.
    pub fn heal(&self) {
        self.nft("delete table inet lobu_dark\n");
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // processes still inside keep it alive until they end; the name goes now
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.name])
            .output();
    }
}

/// Runs a command with `input` on its stdin.
trait StdinPipe {
    fn stdin_pipe(&mut self, input: &str) -> std::io::Result<Output>;
}

impl StdinPipe for Command {
    fn stdin_pipe(&mut self, input: &str) -> std::io::Result<Output> {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())?;
        child.wait_with_output()
    }
}
