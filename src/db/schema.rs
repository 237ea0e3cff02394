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

diesel::table! {
    service_clients (id) {
        id -> Text,
        name -> Text,
        scopes -> Text,
        unit_id -> Nullable<Text>,
        secret_hash -> Text,
        secret_generation -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        secret_rotated_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (caller, method, path, idem_key) {
        caller -> Text,
        method -> Text,
        path -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        token -> Nullable<Text>,
        committed_at -> Nullable<Timestamp>,
        committed_records -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    clusters (id) {
        id -> Text,
        name -> Text,
        year -> Integer,
        leading_unit_id -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cluster_members (cluster_id, unit_id) {
        cluster_id -> Text,
        unit_id -> Text,
    }
}

diesel::table! {
    cluster_proposals (id) {
        id -> Text,
        cluster_id -> Text,
        award_type_id -> Text,
        method -> Text,
        status -> Text,
        proposed_unit_id -> Nullable<Text>,
        ranking -> Nullable<Text>,
        tie_break_reason -> Nullable<Text>,
        opened_by -> Text,
        opened_at -> Timestamp,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    cluster_ballots (proposal_id, voter_unit_id) {
        proposal_id -> Text,
        voter_unit_id -> Text,
        choice -> Text,
        cast_by -> Text,
        cast_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        title -> Text,
        title_folded -> Text,
        kind -> Text,
        description -> Nullable<Text>,
        plan_number -> Nullable<Text>,
        plan_date -> Nullable<Date>,
        plan_signer -> Nullable<Text>,
        launching_authority -> Text,
        scope -> Nullable<Text>,
        start_date -> Date,
        end_date -> Date,
        registration_deadline -> Nullable<Date>,
        interim_review_on -> Nullable<Date>,
        final_review_on -> Nullable<Date>,
        participation -> Text,
        status -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        run_by_unit_id -> Nullable<Text>,
    }
}

diesel::table! {
    campaign_units (campaign_id, unit_id) {
        campaign_id -> Text,
        unit_id -> Text,
    }
}

diesel::table! {
    campaign_clusters (campaign_id, cluster_id) {
        campaign_id -> Text,
        cluster_id -> Text,
    }
}

diesel::table! {
    campaign_transitions (id) {
        id -> Text,
        campaign_id -> Text,
        from_status -> Text,
        to_status -> Text,
        actor_id -> Text,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    indicators (id) {
        id -> Text,
        campaign_id -> Text,
        name -> Text,
        unit_of_measure -> Text,
        kind -> Text,
        direction -> Text,
        province_target -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        ratio -> Bool,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        campaign_id -> Text,
        unit_id -> Text,
        status -> Text,
        aimed_titles -> Text,
        note -> Nullable<Text>,
        return_reason -> Nullable<Text>,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    registration_targets (registration_id, indicator_id) {
        registration_id -> Text,
        indicator_id -> Text,
        target -> Text,
    }
}

diesel::table! {
    achievements (id) {
        id -> Text,
        campaign_id -> Text,
        unit_id -> Text,
        indicator_id -> Text,
        person_name -> Nullable<Text>,
        value -> Text,
        as_of -> Date,
        narrative -> Nullable<Text>,
        status -> Text,
        return_reason -> Nullable<Text>,
        version -> Integer,
        reported_by -> Text,
        verified_by -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        numerator -> Nullable<Text>,
        denominator -> Nullable<Text>,
    }
}

// Evidence of a report (`achievement_id`) or a nomination's dossier document (`nomination_id`
// and `kind`): exactly one owner.
diesel::table! {
    stored_files (id) {
        id -> Text,
        achievement_id -> Nullable<Text>,
        nomination_id -> Nullable<Text>,
        kind -> Nullable<Text>,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Text,
        created_at -> Timestamp,
        initiative_id -> Nullable<Text>,
        dossier_id -> Nullable<Text>,
        review_id -> Nullable<Text>,
        covenant_id -> Nullable<Text>,
    }
}

diesel::table! {
    cluster_covenants (id) {
        id -> Text,
        cluster_id -> Text,
        title -> Text,
        signed_on -> Date,
        place -> Nullable<Text>,
        content -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    covenant_signatories (covenant_id, unit_id) {
        covenant_id -> Text,
        unit_id -> Text,
        position -> Integer,
        signer_name -> Text,
        signer_title -> Text,
        commitments -> Text,
    }
}

diesel::table! {
    achievement_latest (campaign_id, unit_id, indicator_id) {
        campaign_id -> Text,
        unit_id -> Text,
        indicator_id -> Text,
        achievement_id -> Text,
        as_of -> Date,
        value -> Text,
        numerator -> Nullable<Text>,
        denominator -> Nullable<Text>,
    }
}

diesel::table! {
    campaign_reviews (id) {
        id -> Text,
        campaign_id -> Text,
        kind -> Text,
        held_on -> Date,
        title -> Text,
        narrative -> Text,
        documents -> Text,
        scoring_scheme_id -> Nullable<Text>,
        snapshot -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    scoring_schemes (id) {
        id -> Text,
        campaign_id -> Text,
        version -> Integer,
        groups -> Text,
        note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    award_types (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        category -> Text,
        subject -> Text,
        level -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    award_type_versions (id) {
        id -> Text,
        award_type_id -> Text,
        version -> Integer,
        effective_from -> Date,
        effective_until -> Nullable<Date>,
        granting_authority -> Text,
        legal_basis -> Text,
        prerequisites -> Text,
        quota_of_code -> Nullable<Text>,
        quota_percent -> Nullable<Text>,
        council_vote_required -> Bool,
        approval_threshold_percent -> Nullable<Text>,
        quorum_percent -> Nullable<Text>,
        posting_days -> Nullable<Integer>,
        bonus_multiplier -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        quota_on_failure -> Text,
        initiative_requirement -> Nullable<Text>,
        member_requirement -> Nullable<Text>,
        posting_day_count -> Text,
        cluster_proposal -> Nullable<Text>,
        granting_levels -> Text,
        posting_stage -> Text,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    person_disciplines (id) {
        id -> Text,
        person_id -> Text,
        year -> Integer,
        form -> Text,
        decision_number -> Text,
        decided_on -> Date,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        full_name -> Text,
        full_name_folded -> Text,
        position -> Nullable<Text>,
        unit_id -> Text,
        birth_year -> Nullable<Integer>,
        identity_number -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        gender -> Nullable<Text>,
        ethnicity_code -> Nullable<Text>,
        staff_category -> Nullable<Text>,
    }
}

diesel::table! {
    awards (id) {
        id -> Text,
        award_type_id -> Text,
        award_type_version_id -> Nullable<Text>,
        recipient_kind -> Text,
        person_id -> Nullable<Text>,
        unit_id -> Text,
        household_name -> Nullable<Text>,
        year -> Integer,
        decision_number -> Text,
        decision_date -> Date,
        decided_by -> Text,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        revoked_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        decision_id -> Nullable<Text>,
        nomination_id -> Nullable<Text>,
        bonus_coefficient -> Nullable<Text>,
        base_salary_vnd -> Nullable<BigInt>,
        bonus_vnd -> Nullable<BigInt>,
        commendation_type -> Nullable<Text>,
    }
}

diesel::table! {
    nominations (id) {
        id -> Text,
        award_type_id -> Text,
        award_type_version_id -> Nullable<Text>,
        nominee_kind -> Text,
        person_id -> Nullable<Text>,
        unit_id -> Text,
        household_name -> Nullable<Text>,
        year -> Integer,
        campaign_id -> Nullable<Text>,
        under_discipline -> Bool,
        status -> Text,
        eligibility -> Nullable<Text>,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        posting_until -> Nullable<Date>,
        commendation_type -> Nullable<Text>,
    }
}

diesel::table! {
    nomination_achievements (nomination_id, achievement_id) {
        nomination_id -> Text,
        achievement_id -> Text,
    }
}

diesel::table! {
    nomination_transitions (id) {
        id -> Text,
        nomination_id -> Text,
        from_status -> Text,
        to_status -> Text,
        actor_id -> Text,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    council_sessions (id) {
        id -> Text,
        title -> Text,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        council_id -> Nullable<Text>,
        voting_deadline -> Nullable<Timestamp>,
        min_ballots -> Integer,
    }
}

diesel::table! {
    councils (id) {
        id -> Text,
        unit_id -> Text,
        name -> Text,
        established_by -> Nullable<Text>,
        term_start -> Date,
        term_end -> Date,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    council_seats (council_id, user_id) {
        council_id -> Text,
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    ballot_box (id) {
        id -> Text,
        session_id -> Text,
        nomination_id -> Text,
        approve -> Bool,
    }
}

diesel::table! {
    council_members (session_id, user_id) {
        session_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    council_items (session_id, nomination_id) {
        session_id -> Text,
        nomination_id -> Text,
    }
}

diesel::table! {
    ballots_cast (session_id, nomination_id, user_id) {
        session_id -> Text,
        nomination_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    ballot_tallies (session_id, nomination_id) {
        session_id -> Text,
        nomination_id -> Text,
        yes_count -> Integer,
        no_count -> Integer,
        passed -> Nullable<Bool>,
    }
}

diesel::table! {
    council_attendance (session_id, user_id) {
        session_id -> Text,
        user_id -> Text,
        present -> Bool,
        written_opinion -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    posting_comments (id) {
        id -> Text,
        nomination_id -> Text,
        author_name -> Nullable<Text>,
        content -> Text,
        client_addr -> Nullable<Text>,
        created_at -> Timestamp,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_note -> Nullable<Text>,
    }
}

diesel::table! {
    decisions (id) {
        id -> Text,
        number -> Text,
        decided_on -> Date,
        signer -> Text,
        authority -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        paying_unit_id -> Nullable<Text>,
        run_by_unit_id -> Nullable<Text>,
        status -> Text,
    }
}

diesel::table! {
    base_salaries (id) {
        id -> Text,
        effective_from -> Date,
        amount_vnd -> BigInt,
        legal_basis -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reward_fund_entries (id) {
        id -> Text,
        unit_id -> Text,
        year -> Integer,
        kind -> Text,
        amount_vnd -> BigInt,
        description -> Text,
        entry_date -> Date,
        decision_id -> Nullable<Text>,
        award_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    journal (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        action -> Text,
        record_kind -> Text,
        record_id -> Text,
        unit_id -> Nullable<Text>,
        feed -> Nullable<Text>,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        request_id -> Nullable<Text>,
        before_value -> Nullable<Text>,
        after_value -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        event_types -> Text,
        active -> Bool,
        description -> Nullable<Text>,
        secret -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_seq -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempt -> Integer,
        attempted_at -> Timestamp,
        duration_ms -> BigInt,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    initiatives (id) {
        id -> Text,
        title -> Text,
        title_folded -> Text,
        unit_id -> Text,
        field -> Text,
        recognised_by -> Text,
        scope -> Text,
        decision_number -> Text,
        decision_date -> Date,
        year -> Integer,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    initiative_authors (initiative_id, person_id) {
        initiative_id -> Text,
        person_id -> Text,
        share_percent -> Text,
        position -> Integer,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::table! {
    user_identities (issuer, subject) {
        issuer -> Text,
        subject -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    id_token_uses (token_hash) {
        token_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    award_rounds (id) {
        id -> Text,
        title -> Text,
        year -> Integer,
        deadline -> Date,
        status -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        run_by_unit_id -> Nullable<Text>,
    }
}

diesel::table! {
    award_round_types (round_id, award_type_id) {
        round_id -> Text,
        award_type_id -> Text,
        quota_of_award_type_id -> Nullable<Text>,
        quota_percent -> Nullable<Text>,
        quota_legal_basis -> Nullable<Text>,
        quota_unconfirmed -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    unit_dossiers (id) {
        id -> Text,
        round_id -> Text,
        unit_id -> Text,
        status -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    dossier_lines (nomination_id) {
        nomination_id -> Text,
        dossier_id -> Text,
        line_no -> Integer,
    }
}

diesel::table! {
    title_registrations (id) {
        id -> Text,
        unit_id -> Text,
        year -> Integer,
        status -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        accepted_by -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    title_registration_entries (registration_id, position) {
        registration_id -> Text,
        position -> Integer,
        award_type_id -> Text,
        person_id -> Nullable<Text>,
    }
}

diesel::joinable!(user_identities -> users (user_id));

diesel::table! {
    document_templates (id) {
        id -> Text,
        kind -> Text,
        version -> Integer,
        filename -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        placeholders -> Text,
        note -> Nullable<Text>,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    generated_documents (id) {
        id -> Text,
        kind -> Text,
        format -> Text,
        source_id -> Text,
        unit_id -> Nullable<Text>,
        template_version -> Integer,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    decision_signatures (decision_id) {
        decision_id -> Text,
        signer_name -> Text,
        signer_subject -> Text,
        issuer_subject -> Text,
        serial_number -> Text,
        certificate_sha256 -> Text,
        signed_at -> Timestamp,
        signed_at_source -> Text,
        filename -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Text,
        verified_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    units,
    unit_links,
    users,
    user_identities,
    id_token_uses,
    sessions,
    refresh_tokens,
    login_throttle,
    service_secrets,
    service_clients,
    idempotency_keys,
    clusters,
    cluster_members,
    cluster_proposals,
    cluster_ballots,
    campaigns,
    campaign_units,
    campaign_clusters,
    campaign_transitions,
    indicators,
    registrations,
    registration_targets,
    achievements,
    stored_files,
    achievement_latest,
    award_types,
    award_type_versions,
    people,
    awards,
    nominations,
    nomination_achievements,
    nomination_transitions,
    council_sessions,
    council_members,
    council_attendance,
    council_items,
    ballots_cast,
    ballot_tallies,
    councils,
    council_seats,
    cluster_covenants,
    covenant_signatories,
    ballot_box,
    posting_comments,
    decisions,
    journal,
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
    initiatives,
    initiative_authors,
    award_rounds,
    award_round_types,
    unit_dossiers,
    dossier_lines,
    title_registrations,
    title_registration_entries,
    base_salaries,
    reward_fund_entries,
    scoring_schemes,
    campaign_reviews,
    person_disciplines,
    calendar_days,
    document_templates,
    generated_documents,
    decision_signatures,
);
