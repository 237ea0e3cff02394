//! The journal: the change feed (ordered, resumable, filtered by what the reader may read) and
//! the audit trail (who, what, when, from where, before and after; append-only).

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::achievements::setup;
use crate::helpers::{held_back, TestApp};

on_both_backends!(
    the_feed_neither_loses_nor_repeats_events_while_writes_happen,
    audit_entries_say_who_did_what_from_where_with_before_and_after,
    the_feed_shows_each_reader_only_what_they_may_read,
    a_waiting_reader_gets_the_event_written_while_it_waits,
    a_waiting_reader_is_answered_at_once_when_the_server_stops,
    concurrent_writers_never_slip_an_entry_in_below_what_a_reader_saw,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn feed_page(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    let req = TestRequest::get().uri(&format!("/api/v1/events?{query}"));
    let res = match token {
        Some(t) => app.send_as(t, req).await,
        None => app.send(req).await,
    };
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

/// Reads the whole feed from `after` on, page by page, as a polling client would.
async fn read_all(app: &TestApp, token: Option<&str>, after: &str, extra: &str) -> (Vec<Value>, String) {
    let mut cursor = after.to_string();
    let mut events = Vec::new();
    loop {
        let page = feed_page(app, token, &format!("after={cursor}&limit=3{extra}")).await;
        events.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = page["next"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            return (events, cursor);
        }
    }
}

async fn the_feed_neither_loses_nor_repeats_events_while_writes_happen(app: TestApp) {
    let start = feed_page(&app, None, "after=latest").await["next"].as_str().unwrap().to_string();
    let (province, _, first_commune) = app.small_tree().await;
    let mut created = vec![id(&first_commune)];
    let mut seen = Vec::new();
    let mut cursor = start.clone();
    let app = &app;
    // Rounds of eight concurrent writers, with a reader paging between and during them.
    for round in 0..4 {
        let writes = (0..8).map(|i| {
            let body = json!({"code": format!("980{round}{i}"), "name": format!("Xã Đồng Tiến {round}-{i}"), "type": "xa", "parent_id": province["id"]});
            async move { app.post("/api/v1/communes", &body).await }
        });
        let query = format!("after={cursor}&limit=5&types=commune.created");
        let read = feed_page(app, None, &query);
        let (responses, page) = futures_util::future::join(join_all(writes), read).await;
        for res in responses {
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
            created.push(id(&res.json()));
        }
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = page["next"].as_str().unwrap().to_string();
    }
    let (rest, _) = read_all(app, None, &cursor, "&types=commune.created").await;
    seen.extend(rest);

    let seen_ids: Vec<String> = seen.iter().map(|e| e["record"]["id"].as_str().unwrap().to_string()).collect();
    let mut unique = seen_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen_ids.len(), "no event is served twice");
    let mut expected = created.clone();
    expected.sort();
    assert_eq!(unique, expected, "every created commune has exactly one event");
    let cursors: Vec<i64> = seen.iter().map(|e| e["cursor"].as_str().unwrap().parse().unwrap()).collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "events come in feed order: {cursors:?}");
    let first = &seen[0];
    assert_eq!(first["type"], "commune.created");
    assert_eq!(first["record"]["href"], format!("/api/v1/communes/{}", first["record"]["id"].as_str().unwrap()));

    // An empty page hands back the same cursor, so polling never skips; garbage is a 400.
    let (_, end) = read_all(app, None, &start, "").await;
    let page = feed_page(app, None, &format!("after={end}")).await;
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["next"], json!(end));
    for bad in ["after=abc", "after=-1", "types=Campaign", "types=campaign.", "limit=0"] {
        app.get(&format!("/api/v1/events?{bad}")).await.problem(400, "invalid_query");
    }
}

async fn audit_entries_say_who_did_what_from_where_with_before_and_after(app: TestApp) {
    let (_, _, district) = app.small_tree().await;
    let res = app
        .send(TestRequest::post().uri("/api/v1/clusters").insert_header(("x-request-id", "req-cum-1")).set_json(
            json!({
                "name": "Cụm thi đua số 1", "year": 2026, "member_ids": [district["id"]],
            }),
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let cluster = res.json();
    let etag = res.header("etag").unwrap().to_string();
    let res = app
        .send(
            TestRequest::put()
                .uri(&format!("/api/v1/clusters/{}", id(&cluster)))
                .insert_header(("if-match", etag))
                .set_json(json!({
                    "name": "Cụm thi đua các huyện", "year": 2026, "member_ids": [district["id"]],
                })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    // A refused write changes nothing and leaves no entry.
    let refused = app
        .send(
            TestRequest::put()
                .uri(&format!("/api/v1/clusters/{}", id(&cluster)))
                .insert_header(("if-match", "\"1\""))
                .set_json(json!({
                    "name": "Không được ghi", "year": 2026, "member_ids": [district["id"]],
                })),
        )
        .await;
    refused.problem(412, "stale_version");

    let me = app.get("/api/v1/auth/me").await.json();
    let res = app.get(&format!("/api/v1/audit-entries?record_kind=cluster&record_id={}", id(&cluster))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:#?}");
    let (updated, created) = (&items[0], &items[1]);
    assert_eq!(created["action"], "cluster.created");
    assert_eq!(created["request_id"], "req-cum-1");
    assert_eq!(created["actor_kind"], "user");
    assert_eq!(created["actor_id"], me["id"]);
    assert!(created["client_addr"].is_string());
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["name"], "Cụm thi đua số 1");
    assert_eq!(updated["action"], "cluster.updated");
    assert_eq!(updated["before"]["name"], "Cụm thi đua số 1");
    assert_eq!(updated["after"]["name"], "Cụm thi đua các huyện");
    assert_eq!(updated["after"]["version"], 2);

    // Filters and paging: by actor, newest first, a cursor that pages on.
    let page = app.get(&format!("/api/v1/audit-entries?actor_id={}&limit=2", me["id"].as_str().unwrap())).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next_cursor"].as_str().expect("more entries");
    let older = app
        .get(&format!("/api/v1/audit-entries?actor_id={}&limit=2&cursor={next}", me["id"].as_str().unwrap()))
        .await
        .json();
    assert!(older["items"][0]["seq"].as_i64().unwrap() < page["items"][1]["seq"].as_i64().unwrap());
    // A time window is ordered by time, then sequence number, and pages on with its own cursor
    // without skipping or repeating: the same entries as the whole trail.
    let hour = chrono::TimeDelta::hours(1);
    let (since, until) = (chrono::Utc::now() - hour, chrono::Utc::now() + hour);
    let window = format!(
        "since={}&until={}",
        since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        until.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    );
    let (in_window, everything) = (audit_pages(&app, &window).await, audit_pages(&app, "").await);
    let position = |e: &Value| {
        let at: chrono::DateTime<chrono::Utc> = e["occurred_at"].as_str().unwrap().parse().unwrap();
        (at, e["seq"].as_i64().unwrap())
    };
    let positions: Vec<_> = in_window.iter().map(position).collect();
    assert!(positions.windows(2).all(|w| w[0] > w[1]), "newest first by time: {positions:?}");
    let mut seqs: Vec<i64> = in_window.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    seqs.sort_unstable();
    let mut all: Vec<i64> = everything.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    all.sort_unstable();
    assert!(all.len() > 3, "several pages of two: {all:?}");
    assert_eq!(seqs, all);
    let later = format!("since={}", until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    assert!(audit_pages(&app, &later).await.is_empty());
    // A cursor of the trail by sequence does not page a window.
    let by_seq = app.get("/api/v1/audit-entries?limit=1").await.json();
    let refused = app
        .get(&format!("/api/v1/audit-entries?{window}&cursor={}", by_seq["next_cursor"].as_str().unwrap()))
        .await
        .problem(400, "invalid_query");
    assert_eq!(refused["errors"][0]["code"], "invalid_cursor", "{refused}");

    // Sign-ins are audited, without any secret.
    let logins = app.get("/api/v1/audit-entries?action=session.opened").await.json();
    assert!(!logins["items"].as_array().unwrap().is_empty());
    assert_eq!(logins["items"][0]["after"], Value::Null);

    // Only admins read the audit trail.
    let (_, viewer) = app.user("xem", &["viewer"], None).await;
    app.send_as(&viewer, TestRequest::get().uri("/api/v1/audit-entries")).await.problem(403, "forbidden");

    // Append-only, whatever the client: the database itself refuses to change or remove entries.
    use diesel::prelude::*;
    let mut conn = app.connection();
    assert!(diesel::sql_query("UPDATE journal SET action = 'x'").execute(&mut conn).is_err());
    assert!(diesel::sql_query("DELETE FROM journal").execute(&mut conn).is_err());
}

async fn the_feed_shows_each_reader_only_what_they_may_read(app: TestApp) {
    let s = setup(&app, 2).await;
    let (a, b) = (&s.communes[0], &s.communes[1]);
    let (_, officer_a) = app.user("can_bo_a", &["unit_officer"], Some(&a["id"])).await;
    let (_, officer_b) = app.user("can_bo_b", &["unit_officer"], Some(&b["id"])).await;
    let (_, viewer) = app.user("thanh_tra", &["viewer"], None).await;
    let res = app
        .send_as(
            &officer_a,
            TestRequest::post().uri(&format!("/api/v1/campaigns/{}/registrations", id(&s.campaign))).set_json(json!({
                "unit_id": a["id"], "targets": [{"indicator_id": s.indicators[0]["id"], "target": "120"}],
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let registration = id(&res.json());

    let types = |events: &[Value]| events.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let about = |events: &[Value], record: &str| events.iter().any(|e| e["record"]["id"] == record);

    let (own, _) = read_all(&app, Some(&officer_a), "0", "").await;
    assert!(about(&own, &registration), "the unit's own registration is in its feed");
    assert!(types(&own).contains(&"campaign.launched".to_string()), "registry events reach everyone");
    // Accounts: the unit's own (its officers read them), never the board's or another unit's.
    let accounts: Vec<&Value> = own.iter().filter(|e| e["type"].as_str().unwrap().starts_with("user.")).collect();
    assert!(!accounts.is_empty() && accounts.iter().all(|e| e["unit_id"] == a["id"]), "{accounts:?}");

    let (other, _) = read_all(&app, Some(&officer_b), "0", "").await;
    assert!(!about(&other, &registration), "another unit's officer gets nothing of it");
    assert!(other.iter().all(|e| e["unit_id"].is_null() || e["unit_id"] == b["id"]));

    let (province, _) = read_all(&app, Some(&viewer), "0", "").await;
    assert!(about(&province, &registration), "province-level readers see every unit's records");
    assert!(!types(&province).iter().any(|t| t.starts_with("user.")));

    let (all, _) = read_all(&app, None, "0", "").await;
    assert!(types(&all).contains(&"user.created".to_string()), "admins see everything");
    assert!(!types(&all).iter().any(|t| t.starts_with("session.")), "sign-ins are audit-only");

    let (only, _) = read_all(&app, None, "0", "&types=registration.*,campaign.launched").await;
    assert!(!only.is_empty());
    assert!(
        only.iter()
            .all(|e| e["type"] == "campaign.launched" || e["type"].as_str().unwrap().starts_with("registration.")),
        "{:?}",
        types(&only)
    );
}

async fn a_waiting_reader_gets_the_event_written_while_it_waits(app: TestApp) {
    let (province, _, _) = app.small_tree().await;
    let now = feed_page(&app, None, "after=latest").await["next"].as_str().unwrap().to_string();
    let query = format!("after={now}&wait=10&types=commune.created");
    let read = feed_page(&app, None, &query);
    let write = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
        app.create(
            "communes",
            json!({"code": "98701", "name": "Xã Chờ Sự Kiện", "type": "xa", "parent_id": province["id"]}),
        )
        .await
    };
    let (page, created) = futures_util::future::join(read, write).await;
    assert_eq!(page["items"][0]["record"]["id"], created["id"], "{page}");
    for bad in ["wait=0", "wait=31", "wait=x"] {
        app.get(&format!("/api/v1/events?{bad}")).await.problem(400, "invalid_query");
    }
}

/// SIGTERM must not wait for long polls: once the shutdown begins, a waiting reader gets its
/// (empty) page at once, with the cursor it sent.
async fn a_waiting_reader_is_answered_at_once_when_the_server_stops(app: TestApp) {
    let now = feed_page(&app, None, "after=latest").await["next"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    let query = format!("after={now}&wait=30");
    let read = feed_page(&app, None, &query);
    let stop = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
        app.state.shutdown.begin();
    };
    let (page, ()) = futures_util::future::join(read, stop).await;
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(3), "the long poll held the shutdown for {waited:?}");
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["next"], now.as_str());
    // Later polls do not wait at all.
    let started = std::time::Instant::now();
    feed_page(&app, None, &format!("after={now}&wait=30")).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// Writers append and commit concurrently, each holding its transaction open a little after
/// appending (so transactions that drew their positions in one order commit in another), while a
/// reader follows the feed by cursor. Nothing may arrive late below a position the reader has
/// passed: at every look the reader also re-reads everything up to the highest position it has
/// seen and must find nothing new there, and at the end the cursor reader has seen every entry.
/// (On PostgreSQL, without the feed's horizon — `journal_horizon()` — this fails within a
/// few rounds.)
async fn concurrent_writers_never_slip_an_entry_in_below_what_a_reader_saw(app: TestApp) {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use thidua::db::journal::{self, FeedReach, Journal, Origin, Scope};

    const WRITERS: usize = 6;
    const TRANSACTIONS: usize = 25;
    let url = app.state.settings.database_url.clone();
    let done = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut conn = thidua::db::DbConn::establish_url(&url).unwrap();
                for t in 0..TRANSACTIONS {
                    conn.write_tx(|conn| {
                        let mut changes = Journal::default();
                        for n in 0..=(t % 3) {
                            changes.record("commune", "updated", format!("{w}-{t}-{n}"), Scope::Registry, None, None);
                        }
                        journal::append(conn, &Origin::system(), changes)?;
                        // Hold the transaction open a varying while after drawing positions.
                        std::thread::sleep(std::time::Duration::from_millis(((w * 7 + t * 3) % 11) as u64));
                        Ok::<_, thidua::error::ApiError>(())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    let expected = WRITERS * (0..TRANSACTIONS).map(|t| t % 3 + 1).sum::<usize>();
    let reader = {
        let (url, done) = (url.clone(), done.clone());
        std::thread::spawn(move || {
            let mut conn = thidua::db::DbConn::establish_url(&url).unwrap();
            let mut seen = BTreeSet::new();
            let mut late = std::collections::BTreeMap::new();
            let mut cursor = 0i64;
            let mut deadline = None;
            loop {
                if deadline.is_none() && done.load(Ordering::SeqCst) {
                    // Transactions of other tests on the same server may hold the horizon back
                    // a little: read on until everything is in, within a bound.
                    deadline = Some(std::time::Instant::now() + std::time::Duration::from_secs(20));
                }
                for e in journal::list_feed(&mut conn, cursor, 1000, &FeedReach::Everything, &[]).unwrap() {
                    assert!(e.seq > cursor);
                    seen.insert(e.seq);
                    cursor = e.seq;
                }
                // Everything at or below the cursor must be what was seen already.
                for e in journal::list_feed(&mut conn, 0, 100_000, &FeedReach::Everything, &[]).unwrap() {
                    if e.seq <= cursor && !seen.contains(&e.seq) {
                        late.entry(e.seq).or_insert(cursor);
                    }
                }
                if deadline.is_some_and(|d| seen.len() + late.len() >= expected || std::time::Instant::now() > d) {
                    return (seen, late);
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    for writer in writers {
        writer.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let (seen, late) = reader.join().unwrap();
    assert!(
        late.is_empty(),
        "{} entries arrived below a position already passed (seq → cursor then): {late:?}",
        late.len()
    );
    let mut conn = app.connection();
    let all: BTreeSet<i64> =
        journal::list_feed(&mut conn, 0, 100_000, &FeedReach::Everything, &[]).unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(all.len(), expected);
    assert_eq!(seen, all, "the cursor reader saw every entry");
    app.forget_writes();
}

/// Every audit entry matching `query`, read two at a time, in the order served.
async fn audit_pages(app: &TestApp, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let filters = if query.is_empty() { String::new() } else { format!("&{query}") };
        let res = app.get(&format!("/api/v1/audit-entries?limit=2{filters}{cursor}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let page = res.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return items,
        }
    }
}

/// On PostgreSQL (READ COMMITTED), a write reads the record it changes only once it holds its
/// row (`db::lock_row!`): one that waited for another transaction's change replaces that change
/// — with `If-Match: *` it goes ahead instead of failing its own version check — and journals it
/// as its `before`, so one record's entries chain.
#[actix_web::test]
async fn a_write_that_waited_journals_the_state_it_replaced_on_postgres() {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::postgres(Default::default()).await else { return };
    let (_, _, commune) = app.small_tree().await;
    let unit = commune["id"].as_str().unwrap();
    let person = app.create("people", json!({"full_name": "Hà Thị Chờ", "position": "Cán bộ", "unit_id": unit})).await;
    let id = person["id"].as_str().unwrap();
    let mut holder = app.connection();
    holder
        .batch_execute(&format!(
            "BEGIN; UPDATE people SET position = 'Đổi khi chờ', version = version + 1 WHERE id = '{id}'"
        ))
        .unwrap();
    let replace = TestRequest::put()
        .uri(&format!("/api/v1/people/{id}"))
        .insert_header(("if-match", "*"))
        .set_json(json!({"full_name": "Hà Thị Chờ", "position": "Chủ tịch", "unit_id": unit}));
    let done = held_back(&mut holder, app.send(replace), Duration::from_millis(300), "the person's row").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert_eq!((done.json()["position"].as_str(), done.json()["version"].as_i64()), (Some("Chủ tịch"), Some(3)));
    let entries = audit_pages(&app, &format!("record_kind=person&record_id={id}")).await;
    let updated = &entries[0];
    assert_eq!(updated["action"], "person.updated");
    assert_eq!(updated["before"]["position"], "Đổi khi chờ", "before is the state the write replaced: {updated}");
    assert_eq!(updated["after"]["position"], "Chủ tịch");
}

/// A calendar day's row may not exist yet, so its writers take turns on an advisory lock on the
/// day (PostgreSQL): a PUT that waited for another transaction's first setting of the day
/// updates it — journaled as `updated`, with that setting as `before` — instead of inserting a
/// second row.
#[actix_web::test]
async fn a_calendar_day_set_while_another_sets_it_journals_the_change_on_postgres() {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::postgres(Default::default()).await else { return };
    let day = "2031-09-03";
    let mut holder = app.connection();
    holder.batch_execute("BEGIN").unwrap();
    thidua::db::lock_for_transaction(&mut holder, &format!("calendar-day:{day}")).unwrap();
    holder
        .batch_execute(&format!(
            "INSERT INTO calendar_days (day, kind, name, updated_at) VALUES ('{day}', 'day_off', 'Nghỉ bù', now())"
        ))
        .unwrap();
    let set = TestRequest::put()
        .uri(&format!("/api/v1/calendar/days/{day}"))
        .set_json(json!({"kind": "holiday", "name": "Quốc khánh (ngày thứ hai)"}));
    let done = held_back(&mut holder, app.send(set), Duration::from_millis(300), "the day").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let entries = audit_pages(&app, &format!("record_kind=calendar_day&record_id={day}")).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "calendar_day.updated");
    assert_eq!(entries[0]["before"]["name"], "Nghỉ bù");
    assert_eq!(entries[0]["after"]["name"], "Quốc khánh (ngày thứ hai)");
}
