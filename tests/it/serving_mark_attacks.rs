//! Attacks on the serving marks (migration V13): wherever the history table's own check
//! refuses this binary (SPEC 11 and 19: exit 7), a one-shot command must refuse too and
//! write nothing, whatever the mark says.

use crate::support::{cli, TestDb};

/// The history table's check (as `in_tx` and `migrate status` read it) refuses this binary.
fn history_refuses(db: &TestDb) -> bool {
    let mut c = db.client();
    lobu_admin::db::migrate::state(&mut c)
        .unwrap()
        .require_current()
        .is_err()
}

/// The serving marks, each with its schema.
fn marks(db: &TestDb) -> Vec<String> {
    db.client()
        .query(
            "SELECT pronamespace::regnamespace::text || '.' || proname FROM pg_proc
              WHERE proname ~ '^lobu_serves_[0-9]+$' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// `org create ID` on `db` refuses with exit 7 and creates nothing.
fn refused_and_nothing_written(db: &TestDb, url: &str, table: &str, id: &str) {
    let r = cli(db)
        .args(["--database-url", url, "org", "create", id])
        .run();
    let orgs: i64 = db.scalar(&format!("SELECT count(*) FROM {table} WHERE id = '{id}'"));
    assert_eq!(
        (r.code, orgs),
        (7, 0),
        "marks {:?}; stdout {} stderr {}",
        marks(db),
        r.stdout,
        r.stderr
    );
}

/// A history row numbered 0 or below (a version renumbered by hand) is counted by the
/// trigger's `count(*) OVER (ORDER BY version)` as if it filled a gap, while the history
/// table's check counts versions 1 to N only.
#[test]
fn a_history_row_below_version_one_does_not_fill_a_gap() {
    let db = TestDb::new();
    db.client()
        .batch_execute("UPDATE lobu_migrations SET version = -5 WHERE version = 5")
        .unwrap();
    assert!(history_refuses(&db));
    refused_and_nothing_written(&db, &db.url, "organizations", "renumbered");
}

/// Two installs in one database, in schemas `a` (current) and `b` (a newer incompatible
/// migration recorded): with `search_path = b, a` the history table is `b`'s, and so must
/// be the mark (not `a`'s, found further down the path).
#[test]
fn a_mark_of_another_schema_on_the_search_path_does_not_serve() {
    let db = TestDb::empty();
    db.client()
        .batch_execute("CREATE SCHEMA a; CREATE SCHEMA b")
        .unwrap();
    let path = |p: &str| format!("{}?options=-c%20search_path%3D{p}", db.direct);
    for schema in ["a", "b"] {
        cli(&db)
            .args(["--database-url", &path(schema), "migrate"])
            .run()
            .code(0);
    }
    db.client()
        .batch_execute(
            "INSERT INTO b.lobu_migrations (version, name, checksum, compatible)
             VALUES (14, 'from_a_newer_binary', '0', false)",
        )
        .unwrap();
    cli(&db)
        .args(["--database-url", &path("b"), "org", "create", "only-b"])
        .run()
        .code(7);
    refused_and_nothing_written(&db, &path("b,a"), "b.organizations", "b-then-a");
}

/// A dropped history table took its trigger with it but left the marks: before V13 a
/// missing history table was "nothing is migrated" (exit 7). The marks take the table's
/// row type, so the table is not dropped without them.
#[test]
fn a_dropped_history_table_is_not_served() {
    let db = TestDb::new();
    let refused = db.client().batch_execute("DROP TABLE lobu_migrations");
    assert!(refused.is_err(), "the marks depend on the table");
    db.client()
        .batch_execute("DROP TABLE lobu_migrations CASCADE")
        .unwrap();
    assert_eq!(marks(&db), Vec::<String>::new());
    refused_and_nothing_written(&db, &db.url, "organizations", "no-history");
    // and an empty one created in its place
    db.client()
        .batch_execute(
            "CREATE TABLE lobu_migrations (version integer PRIMARY KEY, name text NOT NULL,
               checksum text NOT NULL, compatible boolean NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .unwrap();
    assert!(history_refuses(&db));
    refused_and_nothing_written(&db, &db.url, "organizations", "empty-history");
}

/// History written by a session that replays changes (`session_replication_role =
/// replica`, as a logical replication apply worker or a restore that disables triggers
/// that way): the trigger is enabled ALWAYS, so the marks follow.
#[test]
fn history_written_by_a_replica_session_moves_the_marks_too() {
    let db = TestDb::new();
    db.client()
        .batch_execute(
            "BEGIN; SET LOCAL session_replication_role = replica;
             DELETE FROM lobu_migrations WHERE version = 12; COMMIT;",
        )
        .unwrap();
    assert!(history_refuses(&db));
    refused_and_nothing_written(&db, &db.url, "organizations", "replica");
}

/// Two transactions write the history at once (READ COMMITTED): one records the last
/// version (and would create the mark) while the other deletes an earlier one; the second
/// trigger waits for the first writer and derives the marks from what it committed.
#[test]
fn concurrent_history_writes_leave_no_mark_the_history_refuses() {
    let db = TestDb::new();
    let mark = crate::support::db::serving_mark();
    let latest = lobu_admin::db::migrate::latest_version();
    db.client()
        .batch_execute(&format!(
            "CREATE TABLE attack_saved AS SELECT * FROM lobu_migrations WHERE version = {latest};
             DELETE FROM lobu_migrations WHERE version = {latest};"
        ))
        .unwrap();
    assert!(!marks(&db).iter().any(|m| m.ends_with(&mark)));
    let mut t1 = db.client();
    let mut tx = t1.transaction().unwrap();
    tx.batch_execute("INSERT INTO lobu_migrations SELECT * FROM attack_saved")
        .unwrap();
    std::thread::scope(|s| {
        let other = s.spawn(|| {
            db.client()
                .batch_execute("DELETE FROM lobu_migrations WHERE version = 5")
                .unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        tx.commit().unwrap();
        other.join().unwrap();
    });
    assert!(history_refuses(&db));
    assert_eq!(marks(&db), Vec::<String>::new());
    refused_and_nothing_written(&db, &db.url, "organizations", "skewed");
}
