//! The schema in code (src/db/schema.rs) matches what the migrations build, on both backends,
//! and the migrations go down and up again cleanly.

use diesel::prelude::*;
use thidua::db::schema::{unit_links, units};
use thidua::models::units::{Unit, UnitLink};

use crate::helpers::TestApp;

on_both_backends!(every_table_loads_through_the_schema, migrations_go_up_down_and_up);

/// Loading through `Selectable` names every column with its type: a column missing or of
/// another type in the database fails here.
fn load_every_table(conn: &mut thidua::db::DbConn) {
    units::table.select(Unit::as_select()).limit(0).load::<Unit>(conn).expect("units matches schema.rs");
    unit_links::table.select(UnitLink::as_select()).limit(0).load::<UnitLink>(conn).expect("unit_links matches schema.rs");
}

async fn every_table_loads_through_the_schema(app: TestApp) {
    let mut conn = app.connection();
    load_every_table(&mut conn);
    // And with data in it, which exercises the column types on the way back.
    app.small_tree().await;
    let rows: Vec<Unit> = units::table.select(Unit::as_select()).load(&mut conn).unwrap();
    assert_eq!(rows.len(), 3);
}

async fn migrations_go_up_down_and_up(app: TestApp) {
    let mut conn = app.connection();
    conn.revert_all_migrations().expect("down");
    assert!(units::table.count().get_result::<i64>(&mut conn).is_err(), "tables are gone after down");
    conn.run_pending_migrations().expect("up again");
    load_every_table(&mut conn);
}
