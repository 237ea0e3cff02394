// Written by hand to match migrations/sqlite and migrations/postgres; the schema drift test
// (tests/api/schema.rs) loads every table through these definitions on both backends.

diesel::table! {
    units (id) {
        id -> Text,
        kind -> Text,
        code -> Text,
        name -> Text,
        name_folded -> Text,
        unit_type -> Text,
        parent_id -> Nullable<Text>,
        valid_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    unit_links (predecessor_id, successor_id) {
        predecessor_id -> Text,
        successor_id -> Text,
        part -> Text,
        effective_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(units, unit_links);
