//! Where a statement runs: [`Exec`] is a pool or a write transaction's connection, of either
//! backend, and [`run!`] runs a statement written once on whichever it is.
//!
//! sqlx's query types are parameterised by the database, and a function generic over it
//! needs a bound for every type it binds or decodes. An enum over the four executors keeps
//! the statement functions ([`reads`](super::reads), [`writes`](super::writes)) plain: the
//! macro repeats the body once per variant, and each copy is type-checked for its backend.

use sqlx::postgres::{PgConnection, PgPool};
use sqlx::sqlite::{SqliteConnection, SqlitePool};

/// A pool (reads outside a transaction) or a transaction's connection, of either backend.
pub(super) enum Exec<'a> {
    SqlitePool(&'a SqlitePool),
    Sqlite(&'a mut SqliteConnection),
    PostgresPool(&'a PgPool),
    Postgres(&'a mut PgConnection),
}

impl Exec<'_> {
    /// The same executor for one more statement (a function running several).
    pub(super) fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::SqlitePool(pool) => Exec::SqlitePool(pool),
            Exec::Sqlite(conn) => Exec::Sqlite(conn),
            Exec::PostgresPool(pool) => Exec::PostgresPool(pool),
            Exec::Postgres(conn) => Exec::Postgres(conn),
        }
    }
}

/// `run!(exec, |ex| body)`: evaluates `body` with `ex` bound to the sqlx executor inside
/// `exec` (an [`Exec`]). The body is one statement, e.g.
/// `sqlx::query_as(queries::VERSIONS).bind(subject).fetch_all(ex).await?`; every arm must
/// have the same type, so a statement run for its effect ends in `.rows_affected()` (the
/// backends' query results differ, their row counts do not).
macro_rules! run {
    ($exec:expr, |$ex:ident| $body:expr) => {
        match $exec {
            $crate::store::exec::Exec::SqlitePool($ex) => $body,
            $crate::store::exec::Exec::Sqlite($ex) => $body,
            $crate::store::exec::Exec::PostgresPool($ex) => $body,
            $crate::store::exec::Exec::Postgres($ex) => $body,
        }
    };
}

pub(super) use run;
