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

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        roles -> Text,
        active -> Bool,
        password_hash -> Text,
        token_version -> Integer,
        version -> Integer,
        password_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        client_addr -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
    }
}

diesel::table! {
    service_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, refresh_tokens, units);
