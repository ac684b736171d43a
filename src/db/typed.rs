//! Statements in one round trip. The driver's `query(sql, params)` first prepares `sql`
//! (a round trip to learn the parameters' types) and then runs it (a second one); with the
//! types given, `query_typed` sends both at once as an unnamed statement, which is also
//! what transaction poolers need. [`p`] pairs a parameter with the type its Rust type maps
//! to, so that call sites read like the untyped ones:
//! `client.query_typed(SQL, &[p(&id), p(&now)])`.

use chrono::{DateTime, Utc};
use postgres::types::{ToSql, Type};
use uuid::Uuid;

/// The PostgreSQL type a Rust value is sent as.
pub trait PgType {
    /// That type.
    const TYPE: Type;
}

macro_rules! pg_types {
    ($($rust:ty => $pg:ident),* $(,)?) => {
        $(impl PgType for $rust {
            const TYPE: Type = Type::$pg;
        })*
    };
}

pg_types! {
    str => TEXT,
    String => TEXT,
    i32 => INT4,
    i64 => INT8,
    bool => BOOL,
    Uuid => UUID,
    DateTime<Utc> => TIMESTAMPTZ,
    serde_json::Value => JSONB,
    Vec<i64> => INT8_ARRAY,
    Vec<String> => TEXT_ARRAY,
    Vec<&str> => TEXT_ARRAY,
    Vec<Uuid> => UUID_ARRAY,
    Vec<DateTime<Utc>> => TIMESTAMPTZ_ARRAY,
}

impl<T: PgType + ?Sized> PgType for &T {
    const TYPE: Type = T::TYPE;
}

impl<T: PgType> PgType for Option<T> {
    const TYPE: Type = T::TYPE;
}

/// A parameter with its type, for `query_typed` and friends.
pub fn p<T: ToSql + Sync + PgType>(value: &T) -> (&(dyn ToSql + Sync), Type) {
    (value, T::TYPE)
}
