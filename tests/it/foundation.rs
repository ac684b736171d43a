//! Migrations, connection failures, schema checks, org commands, error formats.

use crate::support::{bare, cli, TestDb};

#[test]
fn migrate_applies_all_then_is_a_no_op() {
    let db = TestDb::empty();
    let n = lobu_admin::db::migrate::latest_version();
    let first = cli(&db).args(["migrate"]).json();
    assert_eq!(first["applied"].as_array().unwrap().len(), n as usize);
    assert_eq!(first["version"], n);
    let second = cli(&db).args(["migrate"]).json();
    assert_eq!(second["applied"].as_array().unwrap().len(), 0);
    let status = cli(&db).args(["migrate", "status"]).json();
    let states: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["applied"; n as usize]);
}

#[test]
fn migrate_status_lists_pending_on_an_empty_database() {
    let db = TestDb::empty();
    let r = cli(&db).args(["migrate", "status"]).run();
    r.code(0);
    assert_eq!(
        r.stdout,
        "VERSION  NAME                      STATE    COMPATIBLE  MODE\n\
         1        organizations_agents      pending  yes         one transaction\n\
         2        devices_tokens            pending  yes         one transaction\n\
         3        watchers                  pending  yes         one transaction\n\
         4        runs                      pending  yes         one transaction\n\
         5        organizations_fillfactor  pending  yes         one transaction\n\
         6        run_notify                pending  yes         one transaction\n\
         7        runs_history              pending  yes         one transaction\n\
         8        runs_finished_lookups     pending  yes         one transaction\n\
         9        lifecycle_audit           pending  yes         online\n\
         10       fleet_schedules           pending  yes         online\n\
         11       org_deleting_guard        pending  yes         online\n\
         12       last_run_covering         pending  yes         online\n\
         13       serving_marks             pending  yes         online\n\
         14       runs_fired_slots          pending  yes         online\n\
         15       watchers_due_since        pending  yes         online\n"
    );
}

#[test]
fn concurrent_migrations_all_succeed() {
    let db = TestDb::empty();
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                crate::support::bare()
                    .env("DATABASE_URL", &url)
                    .args(["migrate"])
                    .run()
                    .code
            })
        })
        .collect();
    let codes: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(codes, [0; 6]);
    let applied: i64 = db.scalar("SELECT count(*) FROM lobu_migrations");
    assert_eq!(applied, lobu_admin::db::migrate::embedded_count());
    // binaries released before the online runner read refinery's table: V1 to V8 there
    let legacy: i64 = db.scalar("SELECT count(*) FROM lobu_schema_history");
    assert_eq!(legacy, 8);
}

#[test]
fn unmigrated_database_exits_7_naming_migrate() {
    let db = TestDb::empty();
    let r = cli(&db).args(["org", "list"]).run();
    r.code(7);
    assert_eq!(
        r.stderr,
        format!(
            "error: database schema is behind this binary (0 of {} migrations applied); \
             run `lobu-admin migrate`\n",
            lobu_admin::db::migrate::latest_version()
        )
    );
}

#[test]
fn newer_schema_exits_7() {
    let db = TestDb::new();
    db.newer_migration(99, false);
    let r = cli(&db).args(["org", "list"]).run();
    r.code(7);
    assert!(r.stderr.contains("newer than this binary"), "{}", r.stderr);
    cli(&db).args(["migrate"]).run().code(7);
}

#[test]
fn unreachable_server_exits_6_without_the_password() {
    let r = bare()
        .args([
            "--database-url",
            "postgres://bob:hunter2secret@127.0.0.1:1/x",
            "org",
            "list",
        ])
        .run();
    r.code(6);
    assert!(!r.stderr.contains("hunter2secret"), "{}", r.stderr);
    // the connection is named from the parsed settings, never by echoing the string
    assert!(
        r.stderr
            .contains("cannot connect to database x as user bob on 127.0.0.1:1: "),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1
    );
    let j = bare()
        .args([
            "-o",
            "json",
            "--database-url",
            "postgres://bob:hunter2secret@127.0.0.1:1/x",
        ])
        .args(["org", "list"])
        .run();
    assert_eq!(j.code, 6);
    assert_eq!(j.json_error()["kind"], "database_unreachable");
    assert!(!j.stderr.contains("hunter2secret"));
}

#[test]
fn org_create_list_show() {
    let db = TestDb::new();
    let created = cli(&db)
        .args(["org", "create", "acme", "--name", "Acme Inc"])
        .json();
    assert_eq!(created["id"], "acme");
    assert_eq!(created["metadata"], serde_json::json!({}));
    cli(&db).args(["org", "create", "beta"]).run().code(0);
    let list = cli(&db).args(["org", "list"]).json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme", "beta"]);
    assert_eq!(list[1]["name"], "beta");
    let shown = cli(&db).args(["org", "show", "acme"]).json();
    assert_eq!(shown["name"], "Acme Inc");
    cli(&db).args(["org", "show", "nope"]).run().code(3);
}

#[test]
fn duplicate_org_is_a_conflict_and_bad_ids_are_rejected() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let dup = cli(&db).args(["org", "create", "acme"]).run();
    dup.code(5);
    assert_eq!(dup.stderr, "error: organization acme already exists\n");
    for bad in [
        "Acme",
        "-x",
        "",
        "a b",
        "x'; DROP TABLE organizations; --",
        &"a".repeat(64),
    ] {
        cli(&db).args(["org", "create", bad]).run().code(2);
    }
    let n: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(n, 1);
}

#[test]
fn json_errors_have_kind_and_message() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    let r = cli(&db).args(["-o", "json", "org", "create", "acme"]).run();
    assert_eq!(r.code, 5);
    assert_eq!(
        r.json_error(),
        serde_json::json!({"kind": "conflict", "message": "organization acme already exists"})
    );
    let r = cli(&db).args(["-o", "json", "org", "show", "zzz"]).run();
    assert_eq!(r.json_error()["kind"], "not_found");
    let r = cli(&db)
        .args(["-o", "json", "watchers", "show", "abc"])
        .run();
    assert_eq!(r.code, 2);
    assert_eq!(r.json_error()["kind"], "invalid_input");
}

#[test]
fn schema_rejects_what_the_spec_forbids_even_in_raw_sql() {
    let db = TestDb::new();
    let mut c = db.client();
    c.batch_execute("INSERT INTO organizations (id, name) VALUES ('acme', 'Acme')")
        .unwrap();
    for sql in [
        "UPDATE organizations SET metadata = '[1]'",
        "INSERT INTO organizations (id, name) VALUES ('UPPER', 'x')",
        "INSERT INTO devices (org_id, user_id, worker_key, platform) VALUES ('acme','u','w','beos')",
        "INSERT INTO runs (org_id, dispatch_source, triggered_by, status) VALUES ('acme','manual','admin','bogus')",
        "INSERT INTO runs (org_id, dispatch_source, triggered_by) VALUES ('acme','cron','admin')",
        "INSERT INTO runs (org_id, dispatch_source, triggered_by) VALUES ('acme','manual','someone')",
    ] {
        let e = c.batch_execute(sql).unwrap_err();
        assert_eq!(e.code().unwrap().code(), "23514", "{sql}: {e}");
    }
}

#[test]
fn closed_pipe_is_not_a_panic() {
    let db = TestDb::new();
    for i in 0..50 {
        cli(&db).args(["org", "create", &format!("org{i}")]).run();
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} org list | head -1",
            assert_cmd::cargo::cargo_bin("lobu-admin").display()
        ))
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_transaction_inside_another_is_refused_and_rolls_both_back() {
    let db = TestDb::new();
    let mut c = db.client();
    let r = lobu_admin::db::in_tx(&mut c, |tx, _| {
        lobu_admin::orgs::create(tx, "outer", None)?;
        lobu_admin::db::in_tx(tx, |tx, _| lobu_admin::orgs::create(tx, "inner", None))
    });
    let e = r.unwrap_err();
    assert_eq!(e.kind(), lobu_admin::ErrorKind::Internal, "{e}");
    assert!(e.to_string().contains("inside another"), "{e}");
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(orgs, 0);
    // the connection is usable afterwards
    lobu_admin::db::in_tx(&mut c, |tx, _| lobu_admin::orgs::create(tx, "later", None)).unwrap();
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(orgs, 1);
}

/// The library never reaches into the command line's module (`src/cli/` parses and
/// renders over the library, not the other way round): no file of `src/` outside
/// `src/cli/` names `crate::cli`.
#[test]
fn the_library_does_not_depend_on_the_cli() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "cli") {
                    sources(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "{files:?}");
    let offenders: Vec<_> = files
        .iter()
        .filter(|f| !f.ends_with("main.rs"))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("crate::cli"))
        .collect();
    assert!(offenders.is_empty(), "{offenders:?}");
}
