-- lobu: compatible, online
-- SPEC 17: an organisation being deleted accepts no new or edited organisation, agent,
-- device, token or watcher row, whichever command or binary writes. Runs have no trigger
-- (this release's trigger, dispatch, retry and claim statements refuse them; an older
-- binary can still queue runs there, which the delete's last step removes). Applied online
-- (SPEC 19): two nullable columns (a brief lock), functions, and triggers (each a brief
-- SHARE ROW EXCLUSIVE lock under lock_timeout). Compatible: a binary that does not know
-- them never names the columns, and its guarded writes into an organisation being deleted
-- are refused as this release's are (it reports the error as internal).

-- one `org delete` at a time: the deleter's id and how long its lease lasts; each batch
-- renews it, so a deleter that crashed loses it after a while and a rerun takes over
ALTER TABLE organizations
    ADD COLUMN IF NOT EXISTS deleting_by text,
    ADD COLUMN IF NOT EXISTS deleting_until timestamptz;

-- the one refusal: SQLSTATE LB001, which the library translates to `conflict` (exit 5)
CREATE OR REPLACE FUNCTION lobu_refuse_deleting_org(ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    org text;
BEGIN
    SELECT id INTO org FROM organizations
     WHERE id = ANY (ids) AND deleting_at IS NOT NULL
     ORDER BY id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'LB001',
            MESSAGE = format('organization %s is being deleted; it accepts nothing new', org);
    END IF;
END
$$;

-- inserts: once per statement, over the statement's new rows (a transition table), so that
-- seed's set-based inserts stay one statement each and cost one look-up per organisation
CREATE OR REPLACE FUNCTION lobu_refuse_inserts_in_deleting_org() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lobu_refuse_deleting_org(ARRAY(SELECT DISTINCT org_id FROM lobu_new));
    RETURN NULL;
END
$$;

-- changes: per changed row, only for statements that set the columns listed and only when
-- the row's definition changes (renames, edits, a resume); what stops or removes things
-- (pause, archive, unpin, revoke, last_seen_at, dispatch's next_run_at) is not refused.
-- TG_ARGV[0] names the column holding the organisation.
CREATE OR REPLACE FUNCTION lobu_refuse_change_in_deleting_org() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lobu_refuse_deleting_org(ARRAY[to_jsonb(NEW) ->> TG_ARGV[0]]);
    RETURN NEW;
END
$$;

CREATE TRIGGER agents_org_deleting_insert AFTER INSERT ON agents
    REFERENCING NEW TABLE AS lobu_new
    FOR EACH STATEMENT EXECUTE FUNCTION lobu_refuse_inserts_in_deleting_org();
CREATE TRIGGER devices_org_deleting_insert AFTER INSERT ON devices
    REFERENCING NEW TABLE AS lobu_new
    FOR EACH STATEMENT EXECUTE FUNCTION lobu_refuse_inserts_in_deleting_org();
CREATE TRIGGER device_tokens_org_deleting_insert AFTER INSERT ON device_tokens
    REFERENCING NEW TABLE AS lobu_new
    FOR EACH STATEMENT EXECUTE FUNCTION lobu_refuse_inserts_in_deleting_org();
CREATE TRIGGER watchers_org_deleting_insert AFTER INSERT ON watchers
    REFERENCING NEW TABLE AS lobu_new
    FOR EACH STATEMENT EXECUTE FUNCTION lobu_refuse_inserts_in_deleting_org();

CREATE TRIGGER organizations_org_deleting_change BEFORE UPDATE OF name, metadata ON organizations
    FOR EACH ROW
    WHEN (OLD.deleting_at IS NOT NULL
          AND (NEW.name, NEW.metadata) IS DISTINCT FROM (OLD.name, OLD.metadata))
    EXECUTE FUNCTION lobu_refuse_change_in_deleting_org('id');
CREATE TRIGGER agents_org_deleting_change BEFORE UPDATE OF name, identity ON agents
    FOR EACH ROW
    WHEN ((NEW.name, NEW.identity) IS DISTINCT FROM (OLD.name, OLD.identity))
    EXECUTE FUNCTION lobu_refuse_change_in_deleting_org('org_id');
CREATE TRIGGER devices_org_deleting_change
    BEFORE UPDATE OF user_id, worker_key, platform, name, timezone, app_version ON devices
    FOR EACH ROW
    WHEN ((NEW.user_id, NEW.worker_key, NEW.platform, NEW.name, NEW.timezone, NEW.app_version)
          IS DISTINCT FROM
          (OLD.user_id, OLD.worker_key, OLD.platform, OLD.name, OLD.timezone, OLD.app_version))
    EXECUTE FUNCTION lobu_refuse_change_in_deleting_org('org_id');
-- a watcher: refused when it becomes active (a resume), is pinned to another device, or any of
-- its other columns changes; allowed when it is paused, archived or unpinned
CREATE TRIGGER watchers_org_deleting_change
    BEFORE UPDATE OF slug, name, prompt, extraction_schema, schedule, timezone, status,
        agent_id, device_id, min_cooldown_seconds, spread_seconds, catch_up_window_seconds,
        retries, retry_delay_seconds ON watchers
    FOR EACH ROW
    WHEN ((NEW.status = 'active' AND OLD.status IS DISTINCT FROM 'active')
          OR (NEW.device_id IS NOT NULL AND NEW.device_id IS DISTINCT FROM OLD.device_id)
          OR to_jsonb(NEW) - '{status,paused_reason,device_id,next_run_at,updated_at,last_fired_at}'::text[]
             IS DISTINCT FROM
             to_jsonb(OLD) - '{status,paused_reason,device_id,next_run_at,updated_at,last_fired_at}'::text[])
    EXECUTE FUNCTION lobu_refuse_change_in_deleting_org('org_id');
