//! The one error type of the library and the kinds of failure that the CLI maps to
//! exit codes (SPEC section 11).

use std::fmt;

/// What went wrong, as scripts see it: the JSON `kind` and the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A bug or an unexpected database error (exit 1).
    Internal,
    /// Usage error or invalid input (exit 2).
    InvalidInput,
    /// The named object does not exist, or is not visible to the caller (exit 3).
    NotFound,
    /// Unauthenticated or forbidden (exit 4).
    Forbidden,
    /// Conflicts with the current state (exit 5).
    Conflict,
    /// The database cannot be reached (exit 6).
    DatabaseUnreachable,
    /// The schema is behind or ahead of this binary (exit 7).
    SchemaMismatch,
    /// A waited-for run ended `failed`, `timeout`, `cancelled` or `skipped` (exit 8).
    RunUnsuccessful,
    /// `--timeout` passed before the waited-for run ended (exit 9).
    WaitTimeout,
    /// SIGINT during a wait (exit 130, the shell's code for it).
    Interrupted,
}

impl ErrorKind {
    /// The process exit code of SPEC section 11.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Internal => 1,
            Self::InvalidInput => 2,
            Self::NotFound => 3,
            Self::Forbidden => 4,
            Self::Conflict => 5,
            Self::DatabaseUnreachable => 6,
            Self::SchemaMismatch => 7,
            Self::RunUnsuccessful => 8,
            Self::WaitTimeout => 9,
            Self::Interrupted => 130,
        }
    }

    /// The `kind` string of the JSON error object.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::InvalidInput => "invalid_input",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Conflict => "conflict",
            Self::DatabaseUnreachable => "database_unreachable",
            Self::SchemaMismatch => "schema_mismatch",
            Self::RunUnsuccessful => "run_unsuccessful",
            Self::WaitTimeout => "wait_timeout",
            Self::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every failure of the library. Messages are lowercase, name the object and never carry a
/// password or a token.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Exit 1.
    #[error("{0}")]
    Internal(String),
    /// Exit 2.
    #[error("{0}")]
    InvalidInput(String),
    /// Exit 3.
    #[error("{0}")]
    NotFound(String),
    /// Exit 4.
    #[error("{0}")]
    Forbidden(String),
    /// Exit 5.
    #[error("{0}")]
    Conflict(String),
    /// Exit 6.
    #[error("{0}")]
    DatabaseUnreachable(String),
    /// Exit 7.
    #[error("{0}")]
    SchemaMismatch(String),
    /// Exit 5: a failure that the same work may not meet again (a lock or statement
    /// timeout, a deadlock, a serialization failure): `kind` names which, for the loop's
    /// `tick_failed` events.
    #[error("{message}")]
    Transient {
        /// `lock_timeout`, `statement_timeout`, `query_canceled`, `deadlock` or
        /// `serialization_failure`.
        kind: &'static str,
        /// What happened.
        message: String,
    },
    /// Exit 8.
    #[error("{0}")]
    RunUnsuccessful(String),
    /// Exit 9.
    #[error("{0}")]
    WaitTimeout(String),
    /// Exit 130.
    #[error("interrupted")]
    Interrupted,
    /// Exit 130: SIGINT or SIGTERM stopped a command part-way, and the message says how far
    /// it got.
    #[error("{0}")]
    Stopped(String),
    /// Exit 6: TLS could not be set up, or the server's certificate failed verification.
    #[error("{0}")]
    Tls(String),
    /// Exit 6: the server is read-only (a standby, or `default_transaction_read_only`).
    #[error("{0}")]
    ReadOnly(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The kind, which gives the exit code and the JSON `kind`.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Internal(_) => ErrorKind::Internal,
            Self::InvalidInput(_) => ErrorKind::InvalidInput,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::Conflict(_) | Self::Transient { .. } => ErrorKind::Conflict,
            Self::DatabaseUnreachable(_) | Self::Tls(_) | Self::ReadOnly(_) => {
                ErrorKind::DatabaseUnreachable
            }
            Self::SchemaMismatch(_) => ErrorKind::SchemaMismatch,
            Self::RunUnsuccessful(_) => ErrorKind::RunUnsuccessful,
            Self::WaitTimeout(_) => ErrorKind::WaitTimeout,
            Self::Interrupted | Self::Stopped(_) => ErrorKind::Interrupted,
        }
    }

    /// A second line telling the user what to do, where there is one.
    #[must_use]
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::DatabaseUnreachable(_) => Some(
                "check --database-url / DATABASE_URL, the PG* variables and the service and \
                 password files (without any of them, the embedded database is used)",
            ),
            Self::Tls(_) => Some(
                "sslrootcert must name the PEM file of the CA that signed the server's certificate \
                 (or `system`), and verify-full needs the host name in the certificate",
            ),
            Self::ReadOnly(_) => Some(
                "this is a read-only server (a standby?): list every host (host=a,b) and add \
                 target_session_attrs=read-write so that the primary is found",
            ),
            _ => None,
        }
    }

    pub(crate) fn not_found(what: impl fmt::Display) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Self::InvalidInput(msg.into())
    }
}

/// The SQLSTATE with which the schema refuses a write into an organisation being deleted
/// (migration V11); its message is [`crate::orgs::being_deleted`]'s.
pub(crate) const ORG_DELETING: &str = "LB001";

/// The quotation marks of the server's languages around a name or a value it cites
/// (`"..."` in English, `»...«` in German, `« ... »` in French, `「...」` in Japanese).
pub(crate) const SERVER_QUOTES: [char; 9] = ['"', '»', '«', '“', '”', '„', '「', '」', '』'];

/// The last name a server's text quotes, in any of its languages' quotes (`"runs"`,
/// `»runs«`, `« runs »`); `None` without one.
fn last_quoted(text: &str) -> Option<&str> {
    text.split(SERVER_QUOTES)
        .skip(1)
        .step_by(2)
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace))
        .last()
}

/// What a foreign key found missing, in this tool's words, from PostgreSQL's detail
/// `Key (org_id)=(acme) is not present in table "organizations".`: `organization acme not
/// found` (gone between the command's start and its write, e.g. deleted meanwhile); never
/// a constraint's name.
fn missing_reference(detail: &str) -> String {
    let value = detail
        .split_once(")=(")
        .and_then(|(_, rest)| rest.split_once(") is not present"))
        .map(|(v, _)| v);
    let kind = match detail
        .rsplit_once("table \"")
        .map(|(_, t)| t.trim_end_matches("\"."))
    {
        Some("organizations") => "organization",
        Some("agents") => "agent",
        Some("devices") => "device",
        Some("watchers") => "watcher",
        Some("runs") => "run",
        _ => "referenced object",
    };
    match value {
        Some(v) if v.contains(", ") => format!("{kind} ({v}) not found (gone while this ran)"),
        Some(v) => format!("{kind} {v} not found (gone while this ran)"),
        None => format!("{kind} not found"),
    }
}

impl From<postgres::Error> for Error {
    /// Translates a driver error by SQLSTATE and constraint name, in this one place.
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        // once a signal cancelled the process's connections, what a cancellation makes is
        // the interruption: a wait it ended (which the driver reports as a timeout), a
        // connection that sends nothing more, the server's answer to the cancel request
        // (`query_canceled`, not to be retried); a database's own refusal stays what it is
        if crate::db::client::interrupted()
            && e.as_db_error()
                .is_none_or(|db| *db.code() == SqlState::QUERY_CANCELED)
        {
            return Self::Interrupted;
        }
        let Some(db) = e.as_db_error() else {
            let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
            if e.is_closed() || io || e.to_string().contains("connect") {
                return Self::DatabaseUnreachable(format!("lost the database connection: {e}"));
            }
            return Self::Internal(format!("database error: {e}"));
        };
        let code = db.code();
        let constraint = db.constraint().unwrap_or("");
        let message = db.message();
        if code.code() == ORG_DELETING {
            // raised by V11's triggers: the one refusal of an organisation being deleted
            Self::Conflict(message.to_string())
        } else if *code == SqlState::UNIQUE_VIOLATION {
            Self::Conflict(match constraint {
                "organizations_pkey" => "organization already exists".into(),
                "agents_pkey" => "agent already exists in this organization".into(),
                "watchers_slug_live_unique" => {
                    "a watcher with this slug already exists in this organization".into()
                }
                "devices_worker_key_unique" => "device already registered".into(),
                "device_tokens_hash_unique" => "token value already in use".into(),
                _ => format!("duplicate value violates {constraint}"),
            })
        } else if *code == SqlState::CHECK_VIOLATION || *code == SqlState::NOT_NULL_VIOLATION {
            Self::InvalidInput(format!("rejected by the schema ({constraint}): {message}"))
        } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
            Self::NotFound(missing_reference(db.detail().unwrap_or("")))
        } else if *code == SqlState::LOCK_NOT_AVAILABLE {
            // a row's or an index entry's wait names its relation in the error's context
            // (`while updating tuple (0,1) in relation "runs"`); a table's does not
            let on = db
                .where_()
                .and_then(last_quoted)
                .map(|relation| format!(" on {relation}"))
                .unwrap_or_default();
            Self::Transient {
                kind: "lock_timeout",
                message: format!(
                    "timed out waiting for a lock{on} held by another session (lock_timeout); \
                     retry"
                ),
            }
        } else if *code == SqlState::QUERY_CANCELED && message.contains("statement timeout") {
            Self::Transient {
                kind: "statement_timeout",
                message: "statement timed out (statement_timeout); retry".into(),
            }
        } else if *code == SqlState::QUERY_CANCELED {
            // pg_cancel_backend, an operator, or a cancel request
            Self::Transient {
                kind: "query_canceled",
                message: format!("the server cancelled the statement ({message}); retry"),
            }
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE {
            Self::Transient {
                kind: "serialization_failure",
                message: format!("concurrent update, retry: {message}"),
            }
        } else if *code == SqlState::T_R_DEADLOCK_DETECTED {
            Self::Transient {
                kind: "deadlock",
                message: format!("concurrent update, retry: {message}"),
            }
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Self::Forbidden(format!("the database role lacks a privilege: {message}"))
        } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
            Self::ReadOnly(format!("the database is read-only: {message}"))
        } else if *code == SqlState::UNDEFINED_TABLE {
            Self::SchemaMismatch(format!("database schema is not migrated: {message}"))
        } else if code.code().starts_with("08")
            || *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
        {
            Self::DatabaseUnreachable(format!("database unavailable: {message}"))
        } else if *code == SqlState::CHARACTER_NOT_IN_REPERTOIRE
            || *code == SqlState::UNTRANSLATABLE_CHARACTER
        {
            // a NUL character: PostgreSQL cannot store it in text or jsonb. Inputs are checked
            // (naming the field) before anything is written; this is the backstop.
            Self::InvalidInput(format!("input PostgreSQL cannot store: {message}"))
        } else if *code == SqlState::INVALID_TEXT_REPRESENTATION
            || *code == SqlState::DATETIME_FIELD_OVERFLOW
            || *code == SqlState::NUMERIC_VALUE_OUT_OF_RANGE
            || *code == SqlState::INVALID_PARAMETER_VALUE
        {
            Self::InvalidInput(message.to_string())
        } else {
            Self::Internal(format!("database error {}: {message}", code.code()))
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::InvalidInput(format!("invalid JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::{last_quoted, missing_reference};

    #[test]
    fn a_lock_wait_names_its_relation_in_any_language() {
        for context in [
            r#"while updating tuple (0,1) in relation "runs""#,
            "beim Aktualisieren von Tupel (0,1) in Relation »runs«",
            "lors de la mise à jour de la ligne (0,1) dans la relation « runs »",
        ] {
            assert_eq!(last_quoted(context), Some("runs"), "{context}");
        }
        assert_eq!(last_quoted("no quotes here"), None);
    }

    #[test]
    fn a_missing_reference_names_the_object_never_the_constraint() {
        assert_eq!(
            missing_reference(r#"Key (org_id)=(acme) is not present in table "organizations"."#),
            "organization acme not found (gone while this ran)"
        );
        assert_eq!(
            missing_reference(
                r#"Key (org_id, agent_id)=(acme, a1) is not present in table "agents"."#
            ),
            "agent (acme, a1) not found (gone while this ran)"
        );
        assert_eq!(missing_reference(""), "referenced object not found");
    }
}
