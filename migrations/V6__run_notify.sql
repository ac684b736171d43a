-- SPEC 14: a waiter on a direct connection LISTENs on lobu_run_<id> and hears every change
-- of that run's status (queued -> claimed/running -> final), whatever changed it (a device,
-- an operator, dispatch's rescue, a deletion). Waiters behind a transaction pooler poll
-- instead; the notifications then cost nothing but the queue entry.
CREATE FUNCTION lobu_run_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lobu_run_' || NEW.id, NEW.status);
    RETURN NULL;
END
$$;

CREATE TRIGGER runs_notify_status AFTER UPDATE OF status ON runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION lobu_run_notify();
