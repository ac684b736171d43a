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
    db.serving_marks_qualified()
}

/// `db`'s URL with `search_path` set to `path`.
fn on_path(db: &TestDb, path: &str) -> String {
    format!("{}?options=-c%20search_path%3D{path}", db.direct)
}

/// Writes the history twice at once: `first` in a transaction left open, `second` beside
/// it, which waits for the first to commit (its trigger takes the marks' lock).
fn one_writer_after_another(db: &TestDb, first: &str, second: &str) {
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute(first).unwrap();
    std::thread::scope(|s| {
        let other = s.spawn(|| db.client().batch_execute(second).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            !other.is_finished(),
            "the second writer waits for the first"
        );
        tx.commit().unwrap();
        other.join().unwrap();
    });
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

/// A history row numbered 0 or below (a version renumbered by hand) was counted by the
/// trigger's `count(*) OVER (ORDER BY version)` as if it filled a gap; the marks, like the
/// history table's check, count versions from 1 only.
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
    let path = |p: &str| on_path(&db, p);
    for schema in ["a", "b"] {
        cli(&db)
            .args(["--database-url", &path(schema), "migrate"])
            .run()
            .code(0);
    }
    db.client()
        .batch_execute(&format!(
            "INSERT INTO b.lobu_migrations (version, name, checksum, compatible)
             VALUES ({}, 'from_a_newer_binary', '0', false)",
            lobu_admin::db::migrate::latest_version() + 1
        ))
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
    one_writer_after_another(
        &db,
        "INSERT INTO lobu_migrations SELECT * FROM attack_saved",
        "DELETE FROM lobu_migrations WHERE version = 5",
    );
    assert!(history_refuses(&db));
    assert_eq!(marks(&db), Vec::<String>::new());
    refused_and_nothing_written(&db, &db.url, "organizations", "skewed");
}
/// A table inheriting the history table: a write to the child fires no trigger of the
/// parent, so the history table's check and the marks both read the table's own rows only
/// (`ONLY`): the child's newer incompatible row neither refuses nor serves.
#[test]
fn a_row_in_a_child_of_the_history_table_counts_for_neither() {
    let db = TestDb::new();
    db.client()
        .batch_execute(
            "CREATE TABLE lobu_migrations_more () INHERITS (lobu_migrations);
             INSERT INTO lobu_migrations_more (version, name, checksum, compatible)
             VALUES (1000, 'incompatible_next', '0', false)",
        )
        .unwrap();
    assert!(!history_refuses(&db));
    assert_eq!(
        marks(&db),
        crate::support::db::serving_marks_vouched()
            .iter()
            .map(|m| format!("public.{m}"))
            .collect::<Vec<_>>()
    );
    cli(&db).args(["org", "create", "inherited"]).run().code(0);
}

/// The history table moved to another schema (on the search_path): its marks stayed behind
/// in the old one, still typed on the table; the trigger finds them by their argument, in
/// any schema, and drops those outside the table's.
#[test]
fn a_mark_left_behind_by_a_moved_history_table_is_not_served() {
    let db = TestDb::new();
    db.client()
        .batch_execute(&format!(
            "CREATE SCHEMA hist; ALTER TABLE lobu_migrations SET SCHEMA hist;
             ALTER DATABASE {} SET search_path = public, hist",
            db.name
        ))
        .unwrap();
    db.client()
        .batch_execute("DELETE FROM lobu_migrations WHERE version = 13")
        .unwrap();
    assert!(history_refuses(&db));
    refused_and_nothing_written(&db, &db.url, "organizations", "moved");
}

/// The release before V13 writes the history (`migrate`'s copy of refinery's rows, an
/// `INSERT .. ON CONFLICT DO NOTHING`) under the database's default isolation: on a
/// database whose default is repeatable read, that binary's `migrate` must go on
/// succeeding (nothing to apply, no mark to change), as V13 is compatible.
#[test]
fn the_previous_releases_history_write_under_a_repeatable_read_default() {
    let db = TestDb::new();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET default_transaction_isolation = 'repeatable read'",
            db.name
        ))
        .unwrap();
    let r = db.client().batch_execute(
        "BEGIN; SET LOCAL lock_timeout = '500ms'; SET LOCAL statement_timeout = 0;
         INSERT INTO lobu_migrations (version, name, checksum, compatible)
         SELECT h.version, coalesce(h.name, ''), coalesce(h.checksum, ''), false
           FROM lobu_schema_history h
         ON CONFLICT (version) DO NOTHING;
         COMMIT",
    );
    assert!(r.is_ok(), "{r:?}");
}

/// A logical replication subscriber of the history: its apply worker fires row triggers
/// only (not the statement trigger, even enabled ALWAYS), so the marks follow there by the
/// replica-only row trigger. A private server with `wal_level = logical`.
#[test]
fn a_logical_replication_subscriber_moves_the_marks_too() {
    let server = crate::support::cluster::Cluster::init("logical");
    server.conf("wal_level = logical\nmax_replication_slots = 4\nmax_wal_senders = 4\n");
    server.start();
    server.migrated_db("pub");
    server.migrated_db("sub");
    server
        .admin("pub")
        .batch_execute("CREATE PUBLICATION history FOR TABLE lobu_migrations")
        .unwrap();
    // the slot by hand: a subscription in the same server cannot create its own
    server
        .admin("pub")
        .batch_execute("SELECT pg_create_logical_replication_slot('history', 'pgoutput')")
        .unwrap();
    server
        .admin("sub")
        .batch_execute(&format!(
            "CREATE SUBSCRIPTION history CONNECTION '{}' PUBLICATION history
               WITH (copy_data = false, create_slot = false, slot_name = 'history')",
            server.socket_url("pub")
        ))
        .unwrap();
    let sub = |sql: &str| -> i64 { server.admin("sub").query_one(sql, &[]).unwrap().get(0) };
    let mark = crate::support::db::serving_mark();
    assert_eq!(
        sub(&format!(
            "SELECT count(*) FROM pg_proc WHERE proname = '{mark}'"
        )),
        1
    );
    server
        .admin("pub")
        .batch_execute("INSERT INTO lobu_migrations VALUES (900, 'n', '0', false)")
        .unwrap();
    let start = std::time::Instant::now();
    while sub("SELECT count(*) FROM lobu_migrations WHERE version = 900") == 0 {
        assert!(start.elapsed().as_secs() < 30, "the row was not replicated");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        sub(&format!(
            "SELECT count(*) FROM pg_proc WHERE proname = '{mark}'"
        )),
        0,
        "the subscriber's mark went with the replicated incompatible migration"
    );
    let r = crate::support::bare()
        .env(
            "DATABASE_URL",
            &format!("{}?sslmode=disable", server.url("postgres", "sub")),
        )
        .args(["org", "list"])
        .run();
    r.code(7);
    server
        .admin("sub")
        .batch_execute("DROP SUBSCRIPTION history")
        .unwrap();
}

/// The other order: a version removed by one transaction while another records a newer
/// one leaves no mark that the history does not vouch for.
#[test]
fn concurrent_history_writers_leave_the_marks_the_history_says() {
    let db = TestDb::new();
    one_writer_after_another(
        &db,
        "DELETE FROM lobu_migrations WHERE version = 5",
        "INSERT INTO lobu_migrations VALUES (900, 'n', '0', true)",
    );
    assert_eq!(db.serving_marks(), Vec::<String>::new());
    let r = cli(&db).args(["org", "list"]).run();
    r.code(7);
    assert!(r.stderr.contains("behind this binary"), "{}", r.stderr);
}

/// A mark is a function of the history table's row type: it serves only the history table
/// that search_path finds, an installation behind this binary earlier on the path is
/// refused and the current one later on it is not (its dropping is
/// `a_dropped_history_table_is_not_served`).
#[test]
fn a_mark_serves_only_the_history_table_it_belongs_to() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    // another installation, behind this binary, in a schema before public on the path
    db.client()
        .batch_execute(
            "CREATE SCHEMA tenant;
             CREATE TABLE tenant.lobu_migrations (LIKE public.lobu_migrations INCLUDING ALL);
             INSERT INTO tenant.lobu_migrations SELECT * FROM public.lobu_migrations
              WHERE version < (SELECT max(version) FROM public.lobu_migrations);",
        )
        .unwrap();
    let through = |path: &str| db.through(on_path(&db, path));
    let r = cli(&through("tenant,public")).args(["org", "list"]).run();
    r.code(7);
    assert!(r.stderr.contains("behind this binary"), "{}", r.stderr);
    cli(&through("public,tenant"))
        .args(["org", "list"])
        .run()
        .code(0);
}
