//! The demo's award years: the 2024 year decided in early 2025 (history, nominations in every
//! state, a council vote with its minutes, posting, decisions) and Thái Nguyên's 2025 annual
//! round from the wards' sheets.

use super::*;

const DEMO_PDF: &[u8] =
    b"%PDF-1.4\n% thidua demo document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A demo PDF of `kind` written to the local store under `folder`, ready to be recorded.
fn demo_document(
    dir: &std::path::Path,
    folder: &str,
    kind: crate::domain::nominations::DocumentKind,
    author: UserId,
) -> Result<crate::models::stored_files::NewFile, ApiError> {
    let id = StoredFileId::generate();
    let key = format!("{folder}/{id}");
    let path = dir.join(&key);
    std::fs::create_dir_all(path.parent().expect("keys have a folder"))
        .and_then(|()| std::fs::write(&path, DEMO_PDF))
        .map_err(|e| ApiError::internal(anyhow::anyhow!("demo document {}: {e}", path.display())))?;
    Ok(crate::models::stored_files::NewFile {
        id,
        filename: format!("{}.pdf", kind.as_str()),
        content_type: "application/pdf".into(),
        size_bytes: DEMO_PDF.len() as i64,
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(DEMO_PDF)),
        storage_key: key,
        uploaded_by: author,
        created_at: crate::db::now_utc(),
    })
}

/// (title, unit, field, recognised by, scope, decision number, year, authors with shares, decision date).
type DemoInitiative<'a> = (&'a str, UnitId, &'a str, &'a str, &'a str, &'a str, i32, Vec<(PersonId, &'a str)>, &'a str);

/// Initiatives (sáng kiến) of the demo's people: Hải's province-wide one stands behind his
/// nomination for Chiến sĩ thi đua cấp tỉnh. `people`: (person, unit) for Hải, Mai and Thu.
fn demo_initiatives(conn: &mut DbConn, author: UserId, people: &[(PersonId, UnitId); 3]) -> Result<(), ApiError> {
    use crate::domain::initiatives::{check_initiative, AuthorShare, InitiativeInput};
    let [(hai, ward), (mai, _), (thu, home_affairs)] = *people;
    let entries: [DemoInitiative; 3] = [
        (
            "Số hóa bản đồ địa chính phường Đức Xuân phục vụ giải quyết thủ tục đất đai",
            ward,
            "Tài nguyên và môi trường",
            "Hội đồng sáng kiến tỉnh Bắc Kạn",
            "tinh",
            "1520/QĐ-UBND",
            2023,
            vec![(hai, "100")],
            "2023-10-12",
        ),
        (
            "Mô hình tổ dân phố tự quản về an ninh trật tự",
            ward,
            "An ninh trật tự",
            "Hội đồng sáng kiến thành phố Bắc Kạn",
            "co_so",
            "312/QĐ-UBND",
            2024,
            vec![(mai, "60"), (hai, "40")],
            "2024-11-18",
        ),
        (
            "Quy trình điện tử xét khen thưởng tại Sở Nội vụ",
            home_affairs,
            "Cải cách hành chính",
            "Hội đồng sáng kiến Sở Nội vụ",
            "co_so",
            "45/QĐ-SNV",
            2024,
            vec![(thu, "100")],
            "2024-09-05",
        ),
    ];
    for (title, unit, field, body, scope, number, year, authors, date) in entries {
        let mut checks = crate::domain::Checks::default();
        let input = InitiativeInput {
            title: title.into(),
            field: field.into(),
            recognised_by: body.into(),
            scope: scope.into(),
            decision_number: number.into(),
            decision_date: day(date),
            year,
            authors: authors
                .into_iter()
                .map(|(p, share)| AuthorShare { person_id: p, share_percent: share.into() })
                .collect(),
        };
        let checked = check_initiative(input, &mut checks)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo initiative {title}: {:?}", checks.0.first())))?;
        crate::models::initiatives::create(conn, unit, &checked, author)?;
    }
    Ok(())
}

/// The 2024 award year, decided in early 2025 (before the merger): history, nominations in
/// every state, a council vote, public posting with a comment, and two decisions.
pub(super) fn award_year(
    conn: &mut DbConn,
    hash_params: HashParams,
    dir: &std::path::Path,
    author: UserId,
    wards: &[UnitId; 3],
    home_affairs: UnitId,
) -> Result<(), ApiError> {
    use crate::domain::nominations::{DocumentKind, NominationAction};
    use crate::models::{awards, council, decisions, nominations, people};
    let type_id = |conn: &mut DbConn, code: &str| type_of_code(conn, code).map(|t| t.id);
    use crate::domain::statistics::{Gender, StaffCategory};
    // What the national statistics count of a person (the board's to set): gender, ethnic group
    // (GSO code), staff category.
    type Statistics = Option<(Gender, &'static str, StaffCategory)>;
    let person = |conn: &mut DbConn,
                  name: &str,
                  position: &str,
                  unit: UnitId,
                  statistics: Statistics|
     -> Result<PersonId, ApiError> {
        Ok(people::create_person(
            conn,
            people::PersonFields {
                full_name: name.into(),
                position: Some(position.into()),
                unit_id: unit,
                birth_year: None,
                identity_number: None,
                gender: statistics.map(|s| s.0),
                ethnicity_code: statistics.map(|s| s.1.to_string()),
                staff_category: statistics.map(|s| s.2),
            },
        )?
        .id)
    };
    let hai = person(
        conn,
        "Nông Văn Hải",
        "Công chức địa chính - xây dựng",
        wards[2],
        Some((Gender::Male, "02", StaffCategory::Worker)),
    )?;
    let mai = person(
        conn,
        "Hoàng Thị Mai",
        "Chủ tịch UBND phường",
        wards[2],
        Some((Gender::Female, "02", StaffCategory::OtherLeader)),
    )?;
    let thu = person(
        conn,
        "Lường Thị Thu",
        "Chuyên viên phòng Thi đua - Khen thưởng",
        home_affairs,
        Some((Gender::Female, "01", StaffCategory::Worker)),
    )?;
    demo_initiatives(conn, author, &[(hai, wards[2]), (mai, wards[2]), (thu, home_affairs)])?;
    let grassroots = type_id(conn, "CSTD_CO_SO")?;
    for year in [2021, 2022, 2023] {
        awards::record_award(
            conn,
            awards::NewAward {
                award_type_id: grassroots,
                person_id: Some(hai),
                unit_id: None,
                household_name: None,
                year,
                decision_number: format!("{}/QĐ-UBND", 10 + year - 2020),
                decision_date: day(&format!("{}-01-15", year + 1)),
                decided_by: "Chủ tịch UBND thành phố Bắc Kạn".into(),
                commendation_type: Some(crate::domain::awards::CommendationType::Regular),
            },
            author,
        )?;
    }
    let nominate = |conn: &mut DbConn,
                    code: &str,
                    person_id: Option<PersonId>,
                    unit: UnitId|
     -> Result<NominationId, ApiError> {
        let award_type_id = type_id(conn, code)?;
        let input = nominations::NominationInput {
            award_type_id,
            person_id,
            unit_id: unit,
            household_name: None,
            year: 2024,
            campaign_id: None,
            achievement_ids: vec![],
            under_discipline: false,
            commendation_type: Some(crate::domain::awards::CommendationType::Regular),
        };
        let id = nominations::create_nomination(conn, input, author)?.nomination.id;
        let mut kinds = vec![DocumentKind::ToTrinh, DocumentKind::BaoCaoThanhTich, DocumentKind::BienBanBinhXet];
        if code.starts_with("CSTD_") {
            kinds.push(DocumentKind::SangKien);
        }
        for kind in kinds {
            nominations::add_document(conn, id, kind, demo_document(dir, &format!("nominations/{id}"), kind, author)?)?;
        }
        nominations::transition(conn, id, NominationAction::Submit, author, None, None, day("2025-01-10"))?;
        Ok(id)
    };
    // The ward proposed for Tập thể lao động xuất sắc is judged from its people: three of four
    // hold Lao động tiên tiến 2024, one of them Chiến sĩ thi đua cơ sở.
    let staff = [
        ("Triệu Văn Long", "Chủ tịch UBND phường"),
        ("Hà Thị Lan", "Công chức văn phòng - thống kê"),
        ("Ma Văn Tùng", "Công chức tư pháp - hộ tịch"),
        ("Đặng Thị Huệ", "Công chức văn hóa - xã hội"),
    ];
    let mut ward_people = Vec::new();
    for (name, position) in staff {
        ward_people.push(person(conn, name, position, wards[1], None)?);
    }
    for (code, holders) in [("LDTT", &ward_people[..3]), ("CSTD_CO_SO", &ward_people[..1])] {
        let award_type_id = type_id(conn, code)?;
        for holder in holders {
            awards::record_award(
                conn,
                awards::NewAward {
                    award_type_id,
                    person_id: Some(*holder),
                    unit_id: None,
                    household_name: None,
                    year: 2024,
                    decision_number: "05/QĐ-UBND".into(),
                    decision_date: day("2025-01-08"),
                    decided_by: "Chủ tịch UBND thành phố Bắc Kạn".into(),
                    commendation_type: Some(crate::domain::awards::CommendationType::Regular),
                },
                author,
            )?;
        }
    }
    let fighter = nominate(conn, "CSTD_TINH", Some(hai), wards[2])?;
    let merit = nominate(conn, "BANG_KHEN_TINH_CA_NHAN", Some(mai), wards[2])?;
    let worker = nominate(conn, "LDTT", Some(thu), home_affairs)?;
    let flag = nominate(conn, "TTLDXS", None, wards[1])?;
    nominations::transition(
        conn,
        flag,
        NominationAction::Return,
        author,
        Some("Bổ sung biên bản bình xét có chữ ký".into()),
        None,
        day("2025-01-14"),
    )?;
    for id in [fighter, merit, worker] {
        nominations::transition(conn, id, NominationAction::Appraise, author, None, None, day("2025-01-15"))?;
    }
    // The provincial emulation fighter is on the portal for 10 working days before the council
    // meets (Decree 98/2023 Art 46.2): until 5 February, Tết in between.
    decisions::post(conn, fighter, None, author, day("2025-01-15"))?;
    // The council votes on it once the posting is over (90% of the whole council).
    let mut members = Vec::new();
    for (username, name) in [
        ("hd.demo.1", "Phó Chủ tịch UBND tỉnh"),
        ("hd.demo.2", "Giám đốc Sở Nội vụ"),
        ("hd.demo.3", "Chủ tịch LĐLĐ tỉnh"),
    ] {
        let user = match accounts::find_by_username(conn, username)? {
            Some(user) => user,
            None => accounts::insert_user(
                conn,
                NewUser {
                    username: username.into(),
                    full_name: name.into(),
                    email: None,
                    phone: None,
                    unit_id: None,
                    roles: vec![crate::auth::policy::Role::CouncilMember],
                    password_hash: hash_blocking(hash_params, &random_token())?,
                },
            )?,
        };
        members.push(user.id);
    }
    // The standing provincial council of the 2021–2025 term, whose members the session takes.
    let province = unit_2021(conn, "province", "06")?;
    let standing = crate::models::councils::create(
        conn,
        crate::models::councils::NewCouncil {
            unit_id: province,
            name: "Hội đồng Thi đua – Khen thưởng tỉnh Bắc Kạn".into(),
            established_by: Some("12/QĐ-UBND".into()),
            term_start: day("2021-01-01"),
            term_end: day("2025-06-30"),
            seats: members
                .iter()
                .enumerate()
                .map(|(i, m)| (*m, if i == 0 { SeatRole::Chair } else { SeatRole::Member }))
                .collect(),
            own_unit_members_only: false,
        },
        author,
    )?;
    let new_session = council::NewSession {
        title: "Phiên họp Hội đồng TĐKT tỉnh xét khen thưởng năm 2024".into(),
        council_id: standing,
        nomination_ids: vec![fighter],
        voting_deadline: crate::db::now() + chrono::TimeDelta::days(7),
        min_ballots: crate::domain::council::MIN_BALLOTS_FLOOR,
    };
    let session = council::create_session(conn, &new_session, author, day("2025-02-07"))?;
    for member in &members {
        council::cast_ballot(conn, session, fighter, *member, true)?;
    }
    // The secretary records who attended; closed, the session's minutes stand.
    let present = members
        .iter()
        .map(|m| crate::models::council_minutes::Attendance { user_id: *m, present: true, written_opinion: None })
        .collect();
    crate::models::council_minutes::record_attendance(conn, session, present, author)?;
    council::close_session(conn, session, author)?;
    for id in [merit, worker] {
        nominations::transition(conn, id, NominationAction::Approve, author, None, None, day("2025-01-16"))?;
    }
    for id in [merit, worker] {
        decisions::post(conn, id, None, author, day("2025-01-16"))?;
    }
    let comment = decisions::add_comment(
        conn,
        merit,
        Some("Người dân tổ 5".into()),
        "Đồng chí Mai sâu sát cơ sở, nhân dân tín nhiệm.",
        "demo",
        day("2025-01-20"),
    )?;
    // The board reviews every comment before the decision.
    decisions::review_comment(conn, comment, "Ý kiến ủng hộ, không có nội dung phải xác minh.", author)?;
    // Each level pays its own decisions' bonuses from its reward fund, funded at the year's start.
    let home_affairs = unit_2021(conn, "department", "06-SNV")?;
    for (unit, amount, what) in [
        (&province, 500_000_000, "Dự toán ngân sách cấp cho quỹ thi đua, khen thưởng của tỉnh năm 2025"),
        (&home_affairs, 60_000_000, "Dự toán quỹ thi đua, khen thưởng của Sở Nội vụ năm 2025"),
    ] {
        let income = crate::models::reward_money::NewFundEntry {
            unit_id: *unit,
            kind: crate::domain::money::FundEntryKind::Income,
            amount_vnd: amount,
            description: what.into(),
            entry_date: day("2025-01-06"),
            decision_id: None,
            award_id: None,
        };
        crate::models::reward_money::add_entry(conn, income, author)?;
    }
    // The province decides its titles; the department's head its own (Law Art 80.1).
    for (number, signer, authority, ids, payer, run_by) in [
        ("15/QĐ-UBND", "Chủ tịch UBND tỉnh", "UBND tỉnh Bắc Kạn", vec![fighter, merit], &province, None),
        ("03/QĐ-SNV", "Giám đốc Sở Nội vụ", "Sở Nội vụ tỉnh Bắc Kạn", vec![worker], &home_affairs, Some(home_affairs)),
    ] {
        let new = decisions::NewDecision {
            number: number.into(),
            decided_on: day("2025-02-10"),
            signer: signer.into(),
            authority: authority.into(),
            nomination_ids: ids,
            paying_unit_id: Some(*payer),
            run_by_unit_id: run_by,
            taken_by_the_unit: false,
            status: crate::domain::documents::DecisionStatus::Final,
        };
        decisions::issue(conn, new, author, day("2025-02-10"))?;
    }
    Ok(())
}

/// A ward of the demo round: its people (name, position) and its sheet's rows (person, title).
type DemoWard<'a> = (UnitId, &'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);

/// A seeded award type by code.
fn type_of_code(conn: &mut DbConn, code: &str) -> Result<crate::models::awards::AwardType, ApiError> {
    crate::models::awards::find_award_type_by_code(conn, code)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo needs award type {code} (run `thidua seed`)")))
}

/// The 2025 annual round of Thái Nguyên after the reform: two wards' dossiers whose lines came
/// from their filled sheets (rows as an officer types them: names and titles, read by
/// `domain::round_sheets` exactly as an upload is). Phường Đức Xuân registered its titles at the
/// start of the year, sent its dossier and the board appraised it; Phường Bắc Kạn is still
/// filling in its own.
pub(super) fn round_2025(conn: &mut DbConn, dir: &std::path::Path, author: UserId) -> Result<(), ApiError> {
    use crate::domain::nominations::DocumentKind;
    use crate::domain::round_sheets::{read_rows, SheetPerson, SheetRow, SheetTitle};
    use crate::domain::rounds::LineAction;
    use crate::models::{people, rounds, title_registrations};
    let today = day("2025-12-10");
    let in_force = day("2025-12-01");
    let duc_xuan = unit_on(conn, "commune", "01840", in_force)?;
    let bac_kan = unit_on(conn, "commune", "01843", in_force)?;
    // The year's cluster of the two wards and a commune beside them proposes its leader for Cờ
    // thi đua cấp tỉnh: two votes of three (docs/campaigns.md, "The cluster's proposal").
    let phong_quang = unit_on(conn, "commune", "01849", in_force)?;
    let (cluster, _) = create_cluster(
        conn,
        ClusterInput {
            name: "Cụm thi đua các phường, xã khu vực Bắc Kạn".into(),
            year: 2025,
            leading_unit_id: Some(duc_xuan),
            member_ids: vec![duc_xuan, bac_kan, phong_quang],
        },
    )?;
    let flag = type_of_code(conn, "CO_THI_DUA_TINH")?;
    let count = cluster_votes::open(conn, cluster.id, flag.id, author, today)?;
    for (voter, choice) in [(bac_kan, duc_xuan), (phong_quang, duc_xuan), (duc_xuan, bac_kan)] {
        cluster_votes::cast(conn, count, voter, Ballot::Vote(choice), author)?;
    }
    cluster_votes::close(conn, count, None, None, author)?;
    let codes = ["LDTT", "CSTD_CO_SO", "TTLDTT"];
    let mut types = Vec::new();
    for code in codes {
        types.push(type_of_code(conn, code)?);
    }
    let round = rounds::create_round(
        conn,
        rounds::NewRound {
            title: "Xét tặng danh hiệu thi đua năm 2025".into(),
            year: 2025,
            deadline: day("2025-12-20"),
            types: types.iter().map(|t| rounds::NewRoundType { award_type_id: t.id, quota: None }).collect(),
            run_by_unit_id: None,
        },
        author,
        today,
    )?;
    let titles: Vec<SheetTitle> = types
        .iter()
        .map(|t| SheetTitle {
            id: t.id.to_string(),
            code: t.code.clone(),
            name: t.name.clone(),
            individual: t.subject == crate::domain::awards::AwardSubject::Individual,
        })
        .collect();
    let wards: [DemoWard; 2] = [
        (
            duc_xuan,
            &[
                ("Nông Thị Hương", "Chủ tịch UBND phường"),
                ("Lý Văn Đức", "Phó Chủ tịch UBND phường"),
                ("Hoàng Thị Yến", "Công chức văn phòng - thống kê"),
                ("Bế Văn Khánh", "Công chức địa chính - xây dựng"),
                ("Triệu Thị Ngọc", "Công chức tư pháp - hộ tịch"),
            ],
            &[
                ("Nông Thị Hương", "Lao động tiên tiến"),
                ("Lý Văn Đức", "Lao động tiên tiến"),
                ("Hoàng Thị Yến", "Lao động tiên tiến"),
                ("Bế Văn Khánh", "Lao động tiên tiến"),
                ("", "Tập thể lao động tiên tiến"),
            ],
        ),
        (
            bac_kan,
            &[("Ma Thị Thảo", "Chủ tịch UBND phường"), ("Hà Văn Quân", "Công chức văn hóa - xã hội")],
            &[("Ma Thị Thảo", "Lao động tiên tiến"), ("Hà Văn Quân", "Lao động tiên tiến")],
        ),
    ];
    for (i, (unit, staff, sheet)) in wards.into_iter().enumerate() {
        let mut people = Vec::new();
        for (name, position) in staff {
            let created = people::create_person(
                conn,
                people::PersonFields {
                    full_name: (*name).into(),
                    position: Some((*position).into()),
                    unit_id: unit,
                    birth_year: None,
                    identity_number: None,
                    gender: None,
                    ethnicity_code: None,
                    staff_category: None,
                },
            )?;
            people.push(SheetPerson { id: created.id.to_string(), full_name: created.full_name });
        }
        let dossier = rounds::create_dossier(conn, round.round.id, unit, author, today)?.dossier;
        let rows: Vec<SheetRow> = sheet
            .iter()
            .enumerate()
            .map(|(n, (person, title))| SheetRow {
                row: n as u32 + 2,
                person: (*person).into(),
                title: (*title).into(),
                discipline: String::new(),
            })
            .collect();
        let lines = read_rows(&rows, &people, &titles, &[])
            .into_iter()
            .map(|r| {
                if !r.errors.is_empty() {
                    return Err(ApiError::internal(anyhow::anyhow!("demo sheet row {}: {:?}", r.row, r.errors)));
                }
                Ok(rounds::LineInput {
                    award_type_id: r
                        .award_type_id
                        .as_deref()
                        .and_then(crate::domain::ids::AwardTypeId::parse)
                        .ok_or_else(|| {
                            ApiError::internal(anyhow::anyhow!("demo sheet row {} names no title", r.row))
                        })?,
                    person_id: r.person_id.as_deref().and_then(PersonId::parse),
                    achievement_ids: vec![],
                    under_discipline: r.under_discipline,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let added = rounds::add_lines(conn, dossier.id, lines, author, today)?;
        if i > 0 {
            continue; // Phường Bắc Kạn's dossier stays a draft.
        }
        // Phường Đức Xuân registered the same titles in January, and the board accepted them.
        let entries: Vec<title_registrations::EntryInput> = added
            .iter()
            .map(|(_, d)| title_registrations::EntryInput {
                award_type_id: d.nomination.award_type_id,
                person_id: d.nomination.person_id,
            })
            .collect();
        let registration = title_registrations::create(conn, unit, 2025, &entries, author)?;
        title_registrations::accept(conn, registration.registration.id, author, None)?;
        for kind in [DocumentKind::ToTrinh, DocumentKind::BienBanBinhXet, DocumentKind::BaoCaoThanhTich] {
            let file = demo_document(dir, &format!("dossiers/{}", dossier.id), kind, author)?;
            rounds::add_document(conn, dossier.id, kind, file)?;
        }
        rounds::submit(conn, dossier.id, author, None, today)?;
        let appraisals = added
            .iter()
            .map(|(_, d)| rounds::Appraisal {
                nomination_id: d.nomination.id,
                action: LineAction::Accept,
                reason: None,
            })
            .collect();
        rounds::appraise(conn, dossier.id, appraisals, author, day("2025-12-15"))?;
    }
    Ok(())
}
