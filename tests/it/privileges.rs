//! Least privilege, a non-`public` schema, and read-only servers (SPEC 12).

use crate::support::{cli, TestDb};

/// Roles are global to the server: names unique to this database, dropped at the end.
struct Roles {
    db: String,
    owner: String,
    app: String,
}

impl Roles {
    fn new(db: &TestDb) -> Self {
        let r = Self {
            db: db.name.clone(),
            owner: format!("{}_owner", db.name),
            app: format!("{}_app", db.name),
        };
        db.client()
            .batch_execute(&format!(
                "CREATE ROLE {o} LOGIN; CREATE ROLE {a} LOGIN;
                 CREATE SCHEMA lobu AUTHORIZATION {o};
                 REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                 GRANT USAGE ON SCHEMA lobu TO {a};
                 ALTER ROLE {o} IN DATABASE {d} SET search_path = lobu;
                 ALTER ROLE {a} IN DATABASE {d} SET search_path = lobu;",
                o = r.owner,
                a = r.app,
                d = r.db
            ))
            .unwrap();
        r
    }

    fn url(&self, db: &TestDb, role: &str) -> String {
        db.direct.replacen("postgres@", &format!("{role}@"), 1)
    }
}

impl Drop for Roles {
    fn drop(&mut self) {
        if let Ok(mut c) =
            postgres::Client::connect(&crate::support::db::url_for(&self.db), postgres::NoTls)
        {
            let _ = c.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS lobu CASCADE; DROP OWNED BY {o}, {a};
                 DROP ROLE IF EXISTS {o}; DROP ROLE IF EXISTS {a}",
                o = self.owner,
                a = self.app
            ));
        }
    }
}

#[test]
fn a_dml_only_role_runs_everything_but_migrate_in_its_own_schema() {
    let db = TestDb::empty();
    let roles = Roles::new(&db);
    // the owner migrates; everything lands in schema lobu
    cli(&db.through(roles.url(&db, &roles.owner)))
        .args(["migrate"])
        .run()
        .code(0);
    let in_lobu: i64 = db.scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'lobu' \
         AND tablename IN ('organizations','agents','devices','device_tokens','watchers','runs',\
         'audit_events','lobu_schema_history','lobu_migrations','lobu_migration_steps')",
    );
    let in_public: i64 = db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    assert_eq!((in_lobu, in_public), (10, 0));
    db.client()
        .batch_execute(&format!(
            "SET ROLE {o};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA lobu TO {a};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA lobu TO {a};
             REVOKE INSERT, UPDATE, DELETE ON lobu.lobu_schema_history, lobu.lobu_migrations,
                 lobu.lobu_migration_steps FROM {a};
             RESET ROLE",
            o = roles.owner,
            a = roles.app
        ))
        .unwrap();

    // the application role: the whole flow, but not migrate
    let in_lobu = format!("{}?options=-c%20search_path%3Dlobu", db.direct);
    let app = TestDb::external(&db.name, roles.url(&db, &roles.app), in_lobu.clone());
    crate::support::flow::rest_of_flow(&app);
    let r = cli(&app).args(["migrate"]).run();
    r.code(4);
    assert!(r.stderr.contains("privilege"), "{}", r.stderr);

    // the schema chosen by the URL's options (no role default for postgres)
    let orgs = cli(&db.through(in_lobu)).args(["org", "list"]).json();
    assert_eq!(orgs.as_array().map(Vec::len), Some(3), "{orgs}");
    let r = cli(&db).args(["org", "list"]).run();
    r.code(7);
}

#[test]
fn a_read_only_server_is_unreachable_with_a_hint() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET default_transaction_read_only = on",
            db.name
        ))
        .unwrap();
    // reads work on a read-only server
    cli(&db).args(["org", "list"]).run().code(0);
    for args in [
        &["provision-agent", "--org", "acme"][..],
        &["org", "create", "other"],
        &["dispatch"],
    ] {
        let r = cli(&db).args(args).run();
        r.code(6);
        assert!(r.stderr.contains("read-only"), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("hint: ") && r.stderr.contains("target_session_attrs=read-write")
        );
        let j = cli(&db).args(["-o", "json"]).args(args).run().json_error();
        assert_eq!(j["kind"], "database_unreachable");
    }
    // with target_session_attrs=read-write the only server is refused at connect time
    let rw = format!("{}?target_session_attrs=read-write", db.direct);
    let r = cli(&db.through(rw)).args(["org", "create", "third"]).run();
    r.code(6);
    assert!(r.stderr.contains("accepts writes"), "{}", r.stderr);
    // a multi-host URL skips a host that is down and finds the writable one
    let mut c = db.client();
    c.batch_execute("SET default_transaction_read_only = off")
        .unwrap();
    c.batch_execute(&format!(
        "ALTER DATABASE {} RESET default_transaction_read_only",
        db.name
    ))
    .unwrap();
    let dead = crate::support::cluster::free_port();
    let multi = format!(
        "host=127.0.0.1,127.0.0.1 port={dead},{} user=postgres dbname={} \
         target_session_attrs=read-write",
        crate::pooler::server_port(),
        db.name
    );
    cli(&db.through(multi))
        .args(["org", "create", "fourth"])
        .run()
        .code(0);
}
