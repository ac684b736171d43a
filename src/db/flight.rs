//! One flight: a one-shot command's whole transaction in one round trip.
//!
//! [`super::in_tx`] waits for each answer before it sends the next request: the settings
//! query with `BEGIN`, each statement, `COMMIT`, a round trip each, which on a network with
//! 10 ms between client and server is most of a command's time. None of them needs the
//! answer of another, so [`flight`] sends them all at once and reads the answers after:
//!
//! - `BEGIN` and the settings query (`FLIGHT_SETTINGS`) first, so the lock and statement
//!   timeouts bound every statement after it (transaction-local, nothing left in the
//!   session: transaction poolers), and `now()` of every statement is the clock it reads;
//! - the schema check fails inside the transaction when the schema does not match this
//!   binary, so every statement after it fails and nothing is written (exit 7): it calls
//!   this binary's serving mark (migration V13, docs/decisions.md "Serving marks"), and
//!   without the mark the flight is sent again with the history table's check;
//! - a statement may raise too (see `MARKER`): token authentication does, so that an
//!   invalid token writes nothing, and it stores the principal's device in a
//!   transaction-local setting that the statements after it read (`tokens::principal!`);
//! - `COMMIT` last: after a failed statement the server answers it with a rollback.
//!
//! Statements are unnamed and typed (no prepare round trip, nothing that outlives the
//! transaction).

use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::Row;

use super::client::Typed;
use super::{migrate, Client, GenericClient};
use crate::error::{Error, Result};

/// What a flight returns: the transaction's clock and each statement's rows.
#[derive(Debug)]
pub struct Landed {
    /// The database's `now()` of the transaction, which every statement saw too.
    pub now: DateTime<Utc>,
    /// Each statement's rows, in order.
    pub rows: Vec<Vec<Row>>,
}

impl Landed {
    /// The first row of statement `i`, if it returned one.
    #[must_use]
    pub fn first(&self, i: usize) -> Option<&Row> {
        self.rows.get(i).and_then(|r| r.first())
    }
}

/// The marker of an error a statement raises on purpose: casting
/// `'lobu-abort:KIND:MESSAGE'` to an integer fails with that text in the error's message.
/// KIND is `schema` (`N:COMPATIBLE`, the schema check's columns), `nested` (see [`nested`]),
/// `forbidden`, `conflict` or `clock` (a value computed from the host's clock does not hold for the database's: see
/// [`CLOCK`]). The cast must not be foldable when the statement is planned (a constant would
/// be raised then): it depends on a row's column, or on a function that is not immutable
/// (`concat` is stable).
const MARKER: &str = "lobu-abort:";

/// The `kind` of the [`Error::Transient`] a statement raises with `clock`: what the host
/// computed from its own clock does not fit the database's; the caller does the work again
/// with the database's clock read first.
pub const CLOCK: &str = "clock_estimate";

/// Sends `BEGIN`, the settings query, `statements` and `COMMIT` in one flight and reads
/// the answers.
///
/// # Errors
/// `schema_mismatch` when the schema is behind or ahead of this binary; `forbidden` or
/// `conflict` when a statement refused on purpose (see `MARKER`); the first statement's failure otherwise
/// (the transaction is then rolled back: nothing of it was written); the commit's failure.
pub fn flight(client: &mut Client, statements: &[Typed<'_>]) -> Result<Landed> {
    if client.cancel_requested() {
        return Err(Error::Interrupted);
    }
    // no serving mark (a database that no `migrate` of V13 or later has passed, or one
    // whose schema this binary does not serve): nothing ran, so the same flight again
    // with the history table's check, which tells which
    match flight_with(client, super::FLIGHT_SETTINGS, statements)? {
        Some(landed) => Ok(landed),
        // a signal between the two flights: the cancel found the server idle
        None if client.cancel_requested() => Err(Error::Interrupted),
        None => flight_with(client, super::FLIGHT_SETTINGS_CHECKED, statements)?
            .ok_or_else(|| Error::Internal("the schema check named no serving mark".into())),
    }
}

/// [`flight`] with `settings` as the settings query; `None` when the settings query failed
/// for want of this binary's serving mark (then nothing of the flight ran).
fn flight_with(
    client: &mut Client,
    settings: &str,
    statements: &[Typed<'_>],
) -> Result<Option<Landed>> {
    let answers = client.pipelined(settings, statements, "COMMIT");
    let settings = match answers.first {
        Err(e) if unmarked(&e) => {
            // every statement after the failed one failed too (nothing ran, nothing is
            // committed): else this is no missing mark, and nothing is sent again
            if !answers.statements.iter().all(Result::is_err) {
                return Err(Error::Internal(
                    "a statement ran after the schema check failed".into(),
                ));
            }
            return answers.last.map(|_| None).map_err(Error::from);
        }
        answer => answer.map_err(statement_error)?,
    };
    let mut rows = Vec::with_capacity(statements.len());
    for answer in answers.statements {
        match answer {
            Ok(r) => rows.push(r),
            Err(e) => return Err(statement_error(e)),
        }
    }
    answers.last?;
    if rows.len() != statements.len() {
        return Err(Error::Internal(
            "a statement of the flight got no answer".into(),
        ));
    }
    let now = super::clock_of(&super::settings_columns(&settings))?;
    Ok(Some(Landed { now, rows }))
}

/// Whether `e` is the settings query's failure for want of this binary's serving mark: no
/// such function of the history table's row, or no history table (whatever the server's
/// language, the message names the one missing).
fn unmarked(e: &postgres::Error) -> bool {
    let missing = |code: &SqlState, name: &str| {
        e.code() == Some(code) && e.as_db_error().is_some_and(|d| names(d.message(), name))
    };
    missing(&SqlState::UNDEFINED_FUNCTION, super::SERVING_MARK)
        || missing(&SqlState::UNDEFINED_OBJECT, migrate::HISTORY_TABLE)
}

/// The statements of a flight, sent one by one in the caller's transaction (the library's
/// path, where the caller holds the transaction and its clock): each statement's rows, and
/// the errors a statement raises on purpose in this tool's terms, as [`flight`] reports them.
///
/// # Errors
/// As [`flight`]'s statements.
pub fn in_order(tx: &mut impl GenericClient, statements: &[Typed<'_>]) -> Result<Vec<Vec<Row>>> {
    statements
        .iter()
        .map(|(sql, params)| tx.query_typed(sql, params).map_err(statement_error))
        .collect()
}

/// Sends a read's statements and returns each one's rows: in one flight ([`flight`], via
/// [`read_in_flight`]) or one by one in the caller's transaction ([`in_order`]), so that a
/// read is written once for both.
pub type Send<'s> = dyn FnMut(&[Typed<'_>]) -> Result<Vec<Vec<Row>>> + 's;

/// `read` with its statements sent in one flight; also returns the flight's clock.
///
/// # Errors
/// As [`flight`], and what `read` returns.
pub fn read_in_flight<T>(
    client: &mut Client,
    read: impl FnOnce(&mut Send<'_>) -> Result<T>,
) -> Result<(T, DateTime<Utc>)> {
    let mut now = None;
    let value = read(&mut |statements| {
        let landed = flight(client, statements)?;
        now = Some(landed.now);
        Ok(landed.rows)
    })?;
    let now = now.ok_or_else(|| Error::Internal("a read sent no flight".into()))?;
    Ok((value, now))
}

/// A listing's rows (statement 0 of `rows`); `not_found` for `owners[i]` when there are
/// none and statement `i + 1`, which looks that owner up, found no row (the organisation or
/// device listed in). Sent together, telling an empty list from an unknown owner costs no
/// round trip of its own.
///
/// # Errors
/// `not_found`.
pub(crate) fn listed<'r>(rows: &'r [Vec<Row>], owners: &[String]) -> Result<&'r [Row]> {
    let list = rows.first().map_or(&[][..], Vec::as_slice);
    if list.is_empty() {
        for (i, owner) in owners.iter().enumerate() {
            if rows.get(i + 1).is_some_and(Vec::is_empty) {
                return Err(Error::not_found(owner.clone()));
            }
        }
    }
    Ok(list)
}

/// A statement's failure in this tool's terms: what it raised on purpose (see `MARKER`),
/// else the driver's error.
pub(crate) fn statement_error(e: postgres::Error) -> Error {
    refused(&e).unwrap_or_else(|| e.into())
}

/// A flight sent inside a transaction left open on its connection (the library's caller's
/// mistake): the settings query fails it, so the flight's `COMMIT` rolls that transaction
/// back, the caller's work with it.
pub(crate) fn nested() -> Error {
    Error::Internal(
        "a transaction was opened inside another one left open on the same connection (both \
         rolled back)"
            .into(),
    )
}

/// Whether `message` names the object `name` (whatever quotes the server's language puts
/// around it), not merely one whose name begins or ends with it.
fn names(message: &str, name: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    message.match_indices(name).any(|(i, _)| {
        !ident(message[..i].chars().next_back()) && !ident(message[i + name.len()..].chars().next())
    })
}

/// The error a statement raised on purpose (or the missing history table: nothing is
/// migrated), in this tool's terms; `None` for any other failure.
fn refused(e: &postgres::Error) -> Option<Error> {
    // the history table, not any table: another one missing is not "nothing is migrated"
    if e.code() == Some(&SqlState::UNDEFINED_TABLE)
        && e.as_db_error()
            .is_some_and(|d| names(d.message(), migrate::HISTORY_TABLE))
    {
        return migrate::SchemaState::of(0, true).require_current().err();
    }
    if e.code() != Some(&SqlState::INVALID_TEXT_REPRESENTATION) {
        return None;
    }
    marked(e.as_db_error()?.message())
}

/// The error of a message that carries a marker (see `MARKER`).
fn marked(message: &str) -> Option<Error> {
    let rest = &message[message.find(MARKER)? + MARKER.len()..];
    // the message quotes the text as the server's language does: none of these quotes
    // (nor an apostrophe) ends a marker's text
    let rest = rest.trim_end_matches(|c: char| {
        c.is_whitespace() || c == '\'' || crate::error::SERVER_QUOTES.contains(&c)
    });
    let (kind, text) = rest.split_once(':')?;
    match kind {
        "schema" => {
            let (n, compatible) = text.split_once(':')?;
            migrate::SchemaState::of(n.parse().ok()?, !compatible.starts_with('f'))
                .require_current()
                .err()
        }
        "forbidden" => Some(Error::Forbidden(text.to_string())),
        "conflict" => Some(Error::Conflict(text.to_string())),
        "nested" => Some(nested()),
        "clock" => Some(Error::Transient {
            kind: CLOCK,
            message: "the host's clock is more than a day from the database's".into(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_marker_is_read_in_any_language_of_the_server() {
        use super::names;
        assert!(names(
            "relation \"lobu_migrations\" does not exist",
            "lobu_migrations"
        ));
        assert!(names(
            "Relation »lobu_migrations« existiert nicht",
            "lobu_migrations"
        ));
        assert!(!names(
            "relation \"lobu_migrations_old\" does not exist",
            "lobu_migrations"
        ));
        assert!(!names(
            "relation \"x_lobu_migrations\" does not exist",
            "lobu_migrations"
        ));
        let newer = |m: &str| super::marked(m).map(|e| e.to_string().contains("newer than"));
        let n = crate::db::migrate::embedded_count();
        for quoted in [
            format!("invalid input syntax for type integer: \"lobu-abort:schema:{n}:f\""),
            format!("ungültige Eingabesyntax für Typ integer: »lobu-abort:schema:{n}:f«"),
            format!(
                "syntaxe en entrée invalide pour le type integer : « lobu-abort:schema:{n}:f »"
            ),
        ] {
            assert_eq!(newer(&quoted), Some(true), "{quoted}");
        }
        let expired =
            super::marked("Eingabesyntax: »lobu-abort:forbidden:device token has expired«");
        assert_eq!(
            expired.map(|e| e.to_string()),
            Some("device token has expired".to_string())
        );
    }
}
