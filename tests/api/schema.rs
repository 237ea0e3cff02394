//! The schema in code (src/db/schema.rs) matches what the migrations build, on both backends,
//! and the migrations go down and up again cleanly.

use diesel::prelude::*;
use thidua::db::schema::units;
use thidua::models::units::{Unit, UnitLink};

use crate::helpers::TestApp;

on_both_backends!(
    every_table_loads_through_the_schema,
    migrations_go_up_down_and_up,
    files_outlive_the_stored_files_migration
);

/// Loading every table names every column with its type: a column missing or of another type
/// in the database fails here. (A new table must be added to this list.)
fn load_every_table(conn: &mut thidua::db::DbConn) {
    use chrono::{NaiveDate, NaiveDateTime};
    use thidua::db::schema::*;
    use thidua::models::{
        accounts::User, achievements::*, campaigns::*, clusters::Cluster, registrations::Registration,
    };
    type Ts = NaiveDateTime;
    units::table.select(Unit::as_select()).limit(0).load::<Unit>(conn).expect("units");
    unit_links::table.select(UnitLink::as_select()).limit(0).load::<UnitLink>(conn).expect("unit_links");
    users::table.select(User::as_select()).limit(0).load::<User>(conn).expect("users");
    sessions::table
        .limit(0)
        .load::<(String, String, Option<String>, Ts, Ts, Option<Ts>, Option<String>)>(conn)
        .expect("sessions");
    refresh_tokens::table.limit(0).load::<(String, String, Ts, Ts, Option<Ts>)>(conn).expect("refresh_tokens");
    login_throttle::table.limit(0).load::<(String, i32, Ts)>(conn).expect("login_throttle");
    service_secrets::table.limit(0).load::<(String, String, Ts)>(conn).expect("service_secrets");
    {
        use thidua::models::service_clients::ServiceClient;
        service_clients::table
            .select(ServiceClient::as_select())
            .limit(0)
            .load::<ServiceClient>(conn)
            .expect("service_clients");
        idempotency_keys::table
            .limit(0)
            .load::<(
                String,
                String,
                String,
                String,
                String,
                Option<i32>,
                Option<String>,
                Option<Vec<u8>>,
                Ts,
                Ts,
                Option<String>,
                Option<Ts>,
                Option<String>,
            )>(conn)
            .expect("idempotency_keys");
    }
    clusters::table.select(Cluster::as_select()).limit(0).load::<Cluster>(conn).expect("clusters");
    cluster_members::table.limit(0).load::<(String, String)>(conn).expect("cluster_members");
    {
        use thidua::models::cluster_votes::Proposal;
        cluster_proposals::table.select(Proposal::as_select()).limit(0).load::<Proposal>(conn).expect("proposals");
        cluster_ballots::table.limit(0).load::<(String, String, String, String, Ts)>(conn).expect("cluster_ballots");
    }
    campaigns::table.select(Campaign::as_select()).limit(0).load::<Campaign>(conn).expect("campaigns");
    campaign_units::table.limit(0).load::<(String, String)>(conn).expect("campaign_units");
    campaign_clusters::table.limit(0).load::<(String, String)>(conn).expect("campaign_clusters");
    campaign_transitions::table
        .select(Transition::as_select())
        .limit(0)
        .load::<Transition>(conn)
        .expect("campaign_transitions");
    indicators::table.select(Indicator::as_select()).limit(0).load::<Indicator>(conn).expect("indicators");
    registrations::table.select(Registration::as_select()).limit(0).load::<Registration>(conn).expect("registrations");
    registration_targets::table.limit(0).load::<(String, String, String)>(conn).expect("registration_targets");
    achievements::table.select(Achievement::as_select()).limit(0).load::<Achievement>(conn).expect("achievements");
    {
        use thidua::models::stored_files::StoredFile;
        stored_files::table.select(StoredFile::as_select()).limit(0).load::<StoredFile>(conn).expect("stored_files");
    }
    achievement_latest::table
        .limit(0)
        .load::<(String, String, String, String, NaiveDate, String, Option<String>, Option<String>)>(conn)
        .expect("achievement_latest");
    {
        use thidua::models::scoring::StoredScheme;
        scoring_schemes::table
            .select(StoredScheme::as_select())
            .limit(0)
            .load::<StoredScheme>(conn)
            .expect("scoring_schemes");
        use thidua::models::reviews::Review;
        campaign_reviews::table.select(Review::as_select()).limit(0).load::<Review>(conn).expect("campaign_reviews");
    }
    {
        use thidua::models::awards::{Award, AwardType, AwardTypeVersion};
        use thidua::models::people::Person;
        award_types::table.select(AwardType::as_select()).limit(0).load::<AwardType>(conn).expect("award_types");
        award_type_versions::table
            .select(AwardTypeVersion::as_select())
            .limit(0)
            .load::<AwardTypeVersion>(conn)
            .expect("award_type_versions");
        people::table.select(Person::as_select()).limit(0).load::<Person>(conn).expect("people");
        use thidua::models::initiatives::Initiative;
        initiatives::table.select(Initiative::as_select()).limit(0).load::<Initiative>(conn).expect("initiatives");
        initiative_authors::table.limit(0).load::<(String, String, String, i32)>(conn).expect("initiative_authors");
        awards::table.select(Award::as_select()).limit(0).load::<Award>(conn).expect("awards");
        use thidua::models::nominations::{Nomination, NominationTransition};
        nominations::table.select(Nomination::as_select()).limit(0).load::<Nomination>(conn).expect("nominations");
        nomination_achievements::table.limit(0).load::<(String, String)>(conn).expect("nomination_achievements");
        nomination_transitions::table
            .select(NominationTransition::as_select())
            .limit(0)
            .load::<NominationTransition>(conn)
            .expect("nomination_transitions");
        use thidua::models::council::CouncilSession;
        council_sessions::table
            .select(CouncilSession::as_select())
            .limit(0)
            .load::<CouncilSession>(conn)
            .expect("council_sessions");
        council_members::table.limit(0).load::<(String, String)>(conn).expect("council_members");
        council_items::table.limit(0).load::<(String, String)>(conn).expect("council_items");
        ballots_cast::table.limit(0).load::<(String, String, String)>(conn).expect("ballots_cast");
        ballot_tallies::table.limit(0).load::<(String, String, i32, i32, Option<bool>)>(conn).expect("ballot_tallies");
        council_attendance::table
            .limit(0)
            .load::<(String, String, bool, Option<String>, String, Ts)>(conn)
            .expect("council_attendance");
        ballot_box::table.limit(0).load::<(String, String, String, bool)>(conn).expect("ballot_box");
        councils::table
            .limit(0)
            .load::<(String, String, String, Option<String>, NaiveDate, NaiveDate, String, Ts)>(conn)
            .expect("councils");
        council_seats::table.limit(0).load::<(String, String, String)>(conn).expect("council_seats");
        cluster_covenants::table
            .limit(0)
            .load::<(String, String, String, NaiveDate, Option<String>, String, i32, String, Ts, Ts)>(conn)
            .expect("cluster_covenants");
        covenant_signatories::table
            .limit(0)
            .load::<(String, String, i32, String, String, String)>(conn)
            .expect("covenant_signatories");
        use thidua::models::decisions::{Decision, PostingComment};
        posting_comments::table
            .select(PostingComment::as_select())
            .limit(0)
            .load::<PostingComment>(conn)
            .expect("posting_comments");
        decisions::table.select(Decision::as_select()).limit(0).load::<Decision>(conn).expect("decisions");
        use thidua::models::rounds::{Dossier, Round, RoundType};
        award_rounds::table.select(Round::as_select()).limit(0).load::<Round>(conn).expect("award_rounds");
        award_round_types::table
            .select(RoundType::as_select())
            .limit(0)
            .load::<RoundType>(conn)
            .expect("award_round_types");
        unit_dossiers::table.select(Dossier::as_select()).limit(0).load::<Dossier>(conn).expect("unit_dossiers");
        dossier_lines::table.limit(0).load::<(String, String, i32)>(conn).expect("dossier_lines");
        use thidua::db::journal::Entry;
        journal::table.select(Entry::as_select()).limit(0).load::<Entry>(conn).expect("journal");
        use thidua::models::webhooks::{Attempt, Delivery, Subscription};
        webhook_subscriptions::table
            .select(Subscription::as_select())
            .limit(0)
            .load::<Subscription>(conn)
            .expect("webhook_subscriptions");
        webhook_deliveries::table
            .select(Delivery::as_select())
            .limit(0)
            .load::<Delivery>(conn)
            .expect("webhook_deliveries");
        webhook_attempts::table.select(Attempt::as_select()).limit(0).load::<Attempt>(conn).expect("webhook_attempts");
        use thidua::models::documents::{DecisionSignature, GeneratedDocument, TemplateVersion};
        document_templates::table
            .select(TemplateVersion::as_select())
            .limit(0)
            .load::<TemplateVersion>(conn)
            .expect("document_templates");
        generated_documents::table
            .select(GeneratedDocument::as_select())
            .limit(0)
            .load::<GeneratedDocument>(conn)
            .expect("generated_documents");
        decision_signatures::table
            .select(DecisionSignature::as_select())
            .limit(0)
            .load::<DecisionSignature>(conn)
            .expect("decision_signatures");
    }
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
    // The journal went down with the rest: the admin's sign-in before it is gone by design.
    app.forget_writes();
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

fn ids_in(conn: &mut thidua::db::DbConn, table: &str) -> Vec<String> {
    let mut ids: Vec<String> = diesel::sql_query(format!("SELECT id FROM {table}"))
        .load::<Id>(conn)
        .unwrap_or_else(|e| panic!("{table}: {e}"))
        .into_iter()
        .map(|row| row.id)
        .collect();
    ids.sort();
    ids
}

/// Evidence and dossier documents recorded before the migration that put them in one table
/// (`stored_files`) are still there, under the same ids and URLs, after it — and going down
/// puts each back in the table it came from.
async fn files_outlive_the_stored_files_migration(app: TestApp) {
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;
    use serde_json::json;

    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let campaign = crate::achievements::setup(&app, 1).await;
    campaign.register(&app, 0, &[(0, "10")]).await;
    let report = campaign.report(&app, 0, 0, "12", &crate::achievements::day(-1), false).await;
    let upload = |uri: String| {
        TestRequest::post().uri(&uri).insert_header(("content-type", "application/pdf")).set_payload(PDF.to_vec())
    };
    let evidence = app
        .send(upload(format!("/api/v1/achievements/{}/evidence?filename=bb.pdf", report["id"].as_str().unwrap())))
        .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.text());
    let evidence = evidence.json();
    let commune = &campaign.communes[0];
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = types.as_array().unwrap().iter().find(|t| t["code"] == "GIAY_KHEN_CA_NHAN").unwrap()["id"].clone();
    let person = app.create("people", json!({"full_name": "Triệu Văn Khánh", "unit_id": commune["id"]})).await;
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let nomination = app
        .create("nominations", json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year, "achievement_ids": []}))
        .await;
    let document = app
        .send(upload(format!(
            "/api/v1/nominations/{}/documents?kind=to_trinh&filename=tt.pdf",
            nomination["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.text());
    let document = document.json();
    let (evidence_id, document_id) =
        (evidence["id"].as_str().unwrap().to_string(), document["id"].as_str().unwrap().to_string());

    // Down to before the stored_files migration (the migrations after it are reverted first):
    // back in the two tables they came from.
    for _ in 0..100 {
        if diesel::sql_query("SELECT id FROM stored_files").load::<Id>(&mut conn).is_err() {
            break;
        }
        conn.revert_last_migration().expect("down");
    }
    assert_eq!(ids_in(&mut conn, "evidence_files"), [evidence_id.as_str()]);
    assert_eq!(ids_in(&mut conn, "nomination_documents"), [document_id.as_str()]);
    assert!(diesel::sql_query("SELECT id FROM stored_files").load::<Id>(&mut conn).is_err(), "stored_files is gone");

    // Up again: one table, the same ids, and both still answer at the URLs handed out.
    conn.run_pending_migrations().expect("up again");
    let mut both = vec![evidence_id, document_id];
    both.sort();
    assert_eq!(ids_in(&mut conn, "stored_files"), both);
    for file in [&evidence, &document] {
        let download = app.get(file["href"].as_str().unwrap()).await;
        assert_eq!(download.status, StatusCode::OK, "{}", file["href"]);
        assert_eq!(download.body, PDF);
        assert_eq!(
            download.header("etag").map(|e| e.trim_matches('"').to_string()),
            file["sha256"].as_str().map(String::from)
        );
    }
    // Each stays what it was: evidence is not a document, nor the other way round.
    let swapped = format!("/api/v1/evidence/{}", document["id"].as_str().unwrap());
    app.get(&swapped).await.problem(404, "not_found");
    let swapped = format!("/api/v1/nomination-documents/{}", evidence["id"].as_str().unwrap());
    app.get(&swapped).await.problem(404, "not_found");
    let listed = app.get(&format!("/api/v1/nominations/{}", nomination["id"].as_str().unwrap())).await.json();
    assert_eq!(listed["documents"][0]["id"], document["id"]);
    assert_eq!(listed["documents"][0]["kind"], "to_trinh");
    let listed = app.get(&format!("/api/v1/achievements/{}", report["id"].as_str().unwrap())).await.json();
    assert_eq!(listed["evidence"][0]["id"], evidence["id"]);
}
