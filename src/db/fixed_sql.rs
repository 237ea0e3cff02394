//! `fixed_sql_column!`: a column whose SQL is written out per backend — a correlated subquery
//! that gathers a row's children into one text value, say — and that diesel can select beside a
//! table's own columns. Its SQL is fixed and binds nothing, so the statement it is part of keeps
//! a static query id and stays prepared on both backends (a `dsl::sql` fragment would not).

/// `fixed_sql_column!(Name: SqlType, on table, sqlite: "…", pg: "…")` defines `Name`, a unit
/// struct usable in `.select(…)` on `table` (the SQL may name `"table"."column"` of the row).
macro_rules! fixed_sql_column {
    ($(#[$doc:meta])* $name:ident: $sql_type:ty, on $table:ident, sqlite: $sqlite:expr, pg: $pg:expr $(,)?) => {
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

        impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($sqlite);
                Ok(())
            }
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($pg);
                Ok(())
            }
        }

        impl diesel::query_builder::QueryFragment<$crate::db::MultiBackend> for $name {
            fn walk_ast<'b>(
                &'b self,
                pass: diesel::query_builder::AstPass<'_, 'b, $crate::db::MultiBackend>,
            ) -> diesel::QueryResult<()> {
                $crate::db::MultiBackend::walk_variant_ast(self, pass)
            }
        }
    };
}

pub(crate) use fixed_sql_column;
