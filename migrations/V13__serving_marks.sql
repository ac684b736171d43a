-- lobu: compatible, online
-- Serving marks (issue 31): a one-shot command checks the schema by calling a function,
-- `lobu_serves_<N>(NULL::lobu_migrations)` where N is its binary's newest migration,
-- instead of reading lobu_migrations: on a new connection the history table's first read
-- (its cache entries, the plan of its aggregates) is ~0.2 ms of server time and ~24 page
-- faults, against ~9 for a function looked up by name and argument type (it is STRICT, so
-- a NULL argument folds the call away when it is planned: it never runs). The argument
-- type is the history table's row type, so a mark serves only the history table that
-- search_path finds (another schema's mark does not match it) and goes with that table
-- when it is dropped. The marks are derived from the history by the trigger below, in the
-- transaction of every statement that writes it (the runner records each migration, and
-- every `migrate` passes through `INSERT .. ON CONFLICT DO NOTHING`, so a history written
-- before this migration, or by hand, is marked too): `lobu_serves_<v>` exists exactly
-- when versions 1 to v are all recorded and every later one is compatible, which implies
-- the history table's own check for a binary whose newest migration is v (from v = 13 on:
-- no binary before this migration names a mark). Only the table's own rows count (`ONLY`:
-- not a child's, as in the binaries' check); a mark of this table's row type elsewhere (the
-- table was moved to another schema) goes. Writers of the history take turns on an
-- advisory lock and each derives the marks from what is committed then (READ COMMITTED: a
-- later snapshot per statement; under another isolation level a writer whose change needs
-- the marks changed is refused, one that needs none, such as the previous release's
-- `migrate`, passes). A binary that finds no mark checks the history table as before
-- (one more round trip), so a missing or dropped mark only costs time; one the history no
-- longer vouches for can only come from writing the history with these triggers disabled
-- (`ALTER TABLE .. DISABLE TRIGGER`), or from copying the schema without its history
-- (`pg_dump --schema-only`). Applied online (SPEC 19): a function, and triggers on the
-- runner's own table, one per statement in every session, one per row where changes are
-- replayed (each a brief SHARE ROW EXCLUSIVE lock on it). Compatible: no binary before
-- this one names the marks or writes the history outside `migrate`.
CREATE OR REPLACE FUNCTION lobu_serving_marks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    mark record;
    rowtype oid := (SELECT reltype FROM pg_catalog.pg_class WHERE oid = TG_RELID);
BEGIN
    -- one writer at a time (not the migrator's own lock, which another connection of the
    -- runner holds); the query below then sees what the writer before committed
    PERFORM pg_catalog.pg_advisory_xact_lock(7310541301772693845);
    -- the history table by the name the trigger fired on, not by search_path; the marks
    -- by their argument, the table's row type, wherever they are
    FOR mark IN EXECUTE format($q$
        WITH history AS (
            SELECT version,
                   count(*) FILTER (WHERE version >= 1) OVER (ORDER BY version)
                       AS recorded_up_to_it,
                   bool_and(compatible) OVER (ORDER BY version DESC
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_compatible
              FROM ONLY %I.%I
        ), wanted AS (
            SELECT 'lobu_serves_' || version AS name FROM history
             WHERE version >= 13 AND recorded_up_to_it = version
               AND coalesce(later_compatible, true)
        ), present AS (
            SELECT p.proname::text AS name, n.nspname::text AS schema,
                   p.pronamespace = %s AS here
              FROM pg_catalog.pg_proc p
              JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
             WHERE p.proname ~ '^lobu_serves_[0-9]+$'
               AND p.proargtypes = %s::text::pg_catalog.oidvector
        )
        SELECT coalesce(w.name, p.name) AS name, p.schema, w.name IS NOT NULL AS wanted
          FROM wanted w FULL JOIN (SELECT * FROM present WHERE here) p ON p.name = w.name
         WHERE w.name IS NULL OR p.name IS NULL
        UNION ALL
        SELECT name, schema, false FROM present WHERE NOT here
        $q$, TG_TABLE_SCHEMA, TG_TABLE_NAME,
        (SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = TG_RELID), rowtype)
    LOOP
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'lobu_migrations: a change of its serving marks needs READ COMMITTED';
        END IF;
        IF mark.wanted THEN
            EXECUTE format('CREATE FUNCTION %I.%I(%I.%I) RETURNS int LANGUAGE sql STRICT '
                           'IMMUTABLE AS %L', TG_TABLE_SCHEMA, mark.name, TG_TABLE_SCHEMA,
                           TG_TABLE_NAME, 'SELECT 1');
        ELSE
            EXECUTE format('DROP FUNCTION %I.%I(%I.%I)', mark.schema, mark.name,
                           TG_TABLE_SCHEMA, TG_TABLE_NAME);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER lobu_serving_marks
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lobu_migrations
    FOR EACH STATEMENT EXECUTE FUNCTION lobu_serving_marks();
-- also in sessions that replay changes (`session_replication_role = replica`: a restore
-- that disables triggers that way)
ALTER TABLE lobu_migrations ENABLE ALWAYS TRIGGER lobu_serving_marks;
-- a logical replication subscriber's apply worker fires row triggers only: the same, per
-- row, in replicas alone (elsewhere the statement's trigger has done it)
CREATE TRIGGER lobu_serving_marks_replica
    AFTER INSERT OR UPDATE OR DELETE ON lobu_migrations
    FOR EACH ROW EXECUTE FUNCTION lobu_serving_marks();
ALTER TABLE lobu_migrations ENABLE REPLICA TRIGGER lobu_serving_marks_replica;
