//! `fixed_sql_column!`: a column whose SQL is written out for one backend — a correlated
//! subquery that gathers a row's children into one value, say — and that diesel can select
//! beside a table's own columns on that backend's own connection (`db::on_backend!`). Its SQL is
//! fixed and binds nothing, so the statement it is part of stays safe to keep prepared (diesel
//! never caches one with a `dsl::sql` fragment). One backend each, because what suits one does
//! not suit the other: a PostgreSQL `Record` read in binary, a JSON text on SQLite.

/// `fixed_sql_column!(Name: SqlType, on table, sqlite: "…")` (or `pg: "…"`) defines `Name`, a
/// unit struct usable in `.select(…)` on `table` (the SQL may name `"table"."column"` of the row).
macro_rules! fixed_sql_column {
    ($(#[$doc:meta])* $name:ident: $sql_type:ty, on $table:ident, sqlite: $sql:expr $(,)?) => {
        $crate::db::fixed_sql_column!(@ $(#[$doc])* $name: $sql_type, on $table, diesel::sqlite::Sqlite, $sql);
    };
    ($(#[$doc:meta])* $name:ident: $sql_type:ty, on $table:ident, pg: $sql:expr $(,)?) => {
        $crate::db::fixed_sql_column!(@ $(#[$doc])* $name: $sql_type, on $table, diesel::pg::Pg, $sql);
    };
    (@ $(#[$doc:meta])* $name:ident: $sql_type:ty, on $table:ident, $backend:ty, $sql:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
        pub struct $name;

        impl diesel::expression::Expression for $name {
            type SqlType = $sql_type;
        }

        impl diesel::expression::AppearsOnTable<$table::table> for $name {}
        impl diesel::expression::SelectableExpression<$table::table> for $name {}

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }

        impl diesel::query_builder::QueryFragment<$backend> for $name {
            fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, $backend>) -> diesel::QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }
    };
}

pub(crate) use fixed_sql_column;
