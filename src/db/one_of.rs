//! `column IN (these values)` as SQL whose text does not depend on how many values there are,
//! so the database and diesel keep one prepared statement for it. diesel's `eq_any` writes
//! one placeholder per value on SQLite and never caches the statement: SQLite parsed a unit
//! officer's three detail queries anew on every page, 14 % of the request (docs/benchmarks.md,
//! 2026-12-04). Here the values travel as one bound parameter: a JSON array read by
//! `json_each` on SQLite, an array compared with `= ANY` on PostgreSQL. Both are an index
//! lookup per value, as an `IN` list is.

use std::sync::OnceLock;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use super::MultiBackend;
use crate::domain::TextValue;

/// `column` is one of `values` (ids, statuses: anything stored as text). An empty list matches
/// nothing.
pub fn one_of<C, T: TextValue>(column: C, values: &[T]) -> OneOf<C> {
    let texts: Vec<String> = values.iter().map(|v| v.to_text().into_owned()).collect();
    OneOf { column, texts, json: OnceLock::new() }
}

/// The predicate `one_of` builds. SQLite's JSON form of the list is made the first time the
/// statement is walked, and kept: the bound parameter must outlive the statement's building,
/// and PostgreSQL never needs it.
#[derive(Debug, Clone)]
pub struct OneOf<C> {
    column: C,
    texts: Vec<String>,
    json: OnceLock<String>,
}

impl<C: Expression> Expression for OneOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for OneOf<C> {}
impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for OneOf<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for OneOf<C> {
    type IsAggregate = C::IsAggregate;
}

/// The same statement whatever the values: the SQL names only the column.
impl<C: QueryId> QueryId for OneOf<C> {
    type QueryId = OneOf<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for OneOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Text>, _>(&self.texts)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for OneOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        let json = self.json.get_or_init(|| serde_json::to_string(&self.texts).expect("a list of strings is JSON"));
        out.push_bind_param::<Text, _>(json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<C> QueryFragment<MultiBackend> for OneOf<C>
where
    Self: QueryFragment<Pg> + QueryFragment<Sqlite>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use diesel::prelude::*;

    use super::one_of;
    use crate::db::{test_connections, DbConn};
    use crate::domain::ids::UnitId;
    use crate::domain::TextValue;

    diesel::table! {
        sample (id) {
            id -> Text,
            label -> Text,
        }
    }

    /// Any text, for values JSON must escape.
    struct Label(&'static str);

    impl TextValue for Label {
        const WHAT: &'static str = "label";
        fn to_text(&self) -> Cow<'_, str> {
            Cow::Borrowed(self.0)
        }
        fn from_text(_: &str) -> Option<Self> {
            None
        }
    }

    fn ids(n: usize) -> Vec<UnitId> {
        (0..n).map(|_| UnitId::generate()).collect()
    }

    /// The point of the helper: one statement text for any number of values, on both backends.
    #[test]
    fn the_sql_does_not_depend_on_how_many_values() {
        let (one, fifty) = (ids(1), ids(50));
        let sqlite = |v: &[UnitId]| {
            diesel::debug_query::<diesel::sqlite::Sqlite, _>(&sample::table.filter(one_of(sample::id, v))).to_string()
        };
        let pg = |v: &[UnitId]| {
            diesel::debug_query::<diesel::pg::Pg, _>(&sample::table.filter(one_of(sample::id, v))).to_string()
        };
        let sql = |debug: String| debug.split(" -- binds").next().unwrap().to_owned();
        assert_eq!(sql(sqlite(&one)), sql(sqlite(&fifty)));
        assert_eq!(sql(pg(&one)), sql(pg(&fifty)));
        assert!(sql(pg(&one)).contains("= ANY($1)"), "{}", pg(&one));
    }

    /// It selects exactly the rows whose value is listed, none for an empty list, and a value
    /// with quotes, a backslash or Vietnamese letters is matched as itself; on both backends.
    #[test]
    fn it_selects_the_listed_rows_only() {
        for conn in test_connections() {
            selects_the_listed_rows(conn);
        }
    }

    fn selects_the_listed_rows(mut conn: DbConn) {
        diesel::sql_query("CREATE TEMPORARY TABLE sample (id TEXT PRIMARY KEY, label TEXT NOT NULL)")
            .execute(&mut conn)
            .unwrap();
        let all = ids(5);
        let labels = ["a", "say \"hi\"", "back\\slash", "Thi đua", "e"];
        for (id, label) in all.iter().zip(labels) {
            diesel::insert_into(sample::table)
                .values((sample::id.eq(id.to_string()), sample::label.eq(label)))
                .execute(&mut conn)
                .unwrap();
        }
        let wanted = [all[1], all[3], UnitId::generate()];
        let mut found: Vec<String> =
            sample::table.filter(one_of(sample::id, &wanted)).select(sample::id).load(&mut conn).unwrap();
        found.sort();
        let mut expected = vec![all[1].to_string(), all[3].to_string()];
        expected.sort();
        assert_eq!(found, expected);

        let by_label = [Label("say \"hi\""), Label("back\\slash"), Label("Thi đua"), Label("Thi")];
        let mut found: Vec<String> =
            sample::table.filter(one_of(sample::label, &by_label)).select(sample::label).load(&mut conn).unwrap();
        found.sort();
        assert_eq!(found, ["Thi đua", "back\\slash", "say \"hi\""]);

        let none: Vec<String> =
            sample::table.filter(one_of(sample::id, &[] as &[UnitId])).select(sample::id).load(&mut conn).unwrap();
        assert!(none.is_empty());
    }
}
