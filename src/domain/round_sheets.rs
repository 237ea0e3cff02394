//! A round's spreadsheet, without I/O: how people and titles are named in the template's
//! dropdown lists, and how each filled-in row is read back — matched against the unit's people
//! and the round's titles, with row-level errors in Vietnamese (what the unit's officer reads).

use std::collections::HashMap;

use crate::domain::text::fold;

/// A person of the unit as the template lists them.
#[derive(Clone, Debug)]
pub struct SheetPerson {
    pub id: String,
    pub full_name: String,
}

/// A title of the round as the template lists it.
#[derive(Clone, Debug)]
pub struct SheetTitle {
    pub id: String,
    pub code: String,
    pub name: String,
    /// For people (else for the unit itself).
    pub individual: bool,
}

/// One filled-in row: its number in the sheet (1-based, the header is row 1) and its cells as
/// text (numbers as written).
#[derive(Clone, Debug, Default)]
pub struct SheetRow {
    pub row: u32,
    pub person: String,
    pub title: String,
    pub discipline: String,
}

/// A row read back: what it proposes, or why it cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRow {
    pub row: u32,
    pub person_id: Option<String>,
    pub award_type_id: Option<String>,
    pub under_discipline: bool,
    /// In Vietnamese; empty when the row can be taken.
    pub errors: Vec<String>,
}

/// How a person appears in the dropdown: the name and the start of the id, so two people of the
/// same name stay apart.
pub fn person_label(p: &SheetPerson) -> String {
    format!("{} (mã {})", p.full_name, p.id.chars().take(8).collect::<String>())
}

/// How a title appears in the dropdown.
pub fn title_label(t: &SheetTitle) -> String {
    t.name.clone()
}

/// Reads the rows back. A person is the dropdown's label, the id, or a name only one person of
/// the unit has; a title is its name or code; the discipline cell is "có" or "không" (or empty).
/// A row proposing what an earlier row or a line already in the dossier (`existing`: (person,
/// title)) proposes is refused.
pub fn read_rows(
    rows: &[SheetRow],
    people: &[SheetPerson],
    titles: &[SheetTitle],
    existing: &[(Option<String>, String)],
) -> Vec<ReadRow> {
    let mut by_label: HashMap<String, &SheetPerson> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&SheetPerson>> = HashMap::new();
    for p in people {
        by_label.insert(fold(&person_label(p)), p);
        by_label.insert(p.id.to_lowercase(), p);
        by_name.entry(fold(&p.full_name)).or_default().push(p);
    }
    let mut titles_by_key: HashMap<String, &SheetTitle> = HashMap::new();
    for t in titles {
        titles_by_key.insert(fold(&t.name), t);
        titles_by_key.insert(fold(&t.code), t);
    }
    let mut seen: HashMap<(Option<String>, String), u32> = HashMap::new();
    rows.iter()
        .map(|r| {
            let mut errors = Vec::new();
            let person_text = r.person.trim();
            let person = if person_text.is_empty() {
                None
            } else {
                let key = fold(person_text);
                match by_label.get(&key).copied() {
                    Some(p) => Some(p),
                    None => match by_name.get(&key).map(Vec::as_slice) {
                        Some([p]) => Some(*p),
                        Some([_, _, ..]) => {
                            errors.push(format!(
                                "Dòng {}: đơn vị có nhiều người tên «{person_text}»; chọn trong danh sách (có mã).",
                                r.row
                            ));
                            None
                        }
                        _ => {
                            errors
                                .push(format!("Dòng {}: không tìm thấy cá nhân «{person_text}» trong đơn vị.", r.row));
                            None
                        }
                    },
                }
            };
            let title_text = r.title.trim();
            let title = if title_text.is_empty() {
                errors.push(format!("Dòng {}: chưa chọn danh hiệu, hình thức khen thưởng.", r.row));
                None
            } else {
                match titles_by_key.get(&fold(title_text)) {
                    Some(t) => Some(*t),
                    None => {
                        errors.push(format!(
                            "Dòng {}: «{title_text}» không phải danh hiệu, hình thức khen thưởng của đợt xét này.",
                            r.row
                        ));
                        None
                    }
                }
            };
            if let Some(t) = title {
                if t.individual && person_text.is_empty() {
                    errors.push(format!("Dòng {}: «{}» là danh hiệu cá nhân, cần chọn cá nhân.", r.row, t.name));
                } else if !t.individual && !person_text.is_empty() {
                    errors.push(format!(
                        "Dòng {}: «{}» là danh hiệu tập thể, để trống cột cá nhân (tập thể là chính đơn vị).",
                        r.row, t.name
                    ));
                }
            }
            let under_discipline = match fold(r.discipline.trim()).as_str() {
                "" | "khong" | "k" | "0" | "false" => false,
                "co" | "c" | "x" | "1" | "true" => true,
                _ => {
                    errors.push(format!(
                        "Dòng {}: cột kỷ luật ghi «có» hoặc «không», không phải «{}».",
                        r.row,
                        r.discipline.trim()
                    ));
                    false
                }
            };
            if let Some(t) = title {
                let key = (person.map(|p| p.id.clone()), t.id.clone());
                if existing.contains(&key) {
                    errors.push(format!("Dòng {}: đối tượng này đã được đề nghị «{}» trong hồ sơ.", r.row, t.name));
                } else if let Some(first) = seen.get(&key) {
                    errors.push(format!("Dòng {}: trùng với dòng {first}.", r.row));
                } else if errors.is_empty() {
                    seen.insert(key, r.row);
                }
            }
            ReadRow {
                row: r.row,
                person_id: person.map(|p| p.id.clone()),
                award_type_id: title.map(|t| t.id.clone()),
                under_discipline,
                errors,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<SheetPerson> {
        vec![
            SheetPerson { id: "0192aaaa-0000-7000-8000-000000000001".into(), full_name: "Hoàng Văn An".into() },
            SheetPerson { id: "0192bbbb-0000-7000-8000-000000000002".into(), full_name: "Lường Thị Bình".into() },
            SheetPerson { id: "0192cccc-0000-7000-8000-000000000003".into(), full_name: "Lường Thị Bình".into() },
        ]
    }

    fn titles() -> Vec<SheetTitle> {
        vec![
            SheetTitle {
                id: "t-ldtt".into(),
                code: "LDTT".into(),
                name: "Lao động tiên tiến".into(),
                individual: true,
            },
            SheetTitle {
                id: "t-ttldtt".into(),
                code: "TTLDTT".into(),
                name: "Tập thể lao động tiên tiến".into(),
                individual: false,
            },
        ]
    }

    fn row(n: u32, person: &str, title: &str, discipline: &str) -> SheetRow {
        SheetRow { row: n, person: person.into(), title: title.into(), discipline: discipline.into() }
    }

    #[test]
    fn rows_match_by_label_id_unique_name_or_code() {
        let p = people();
        let rows = vec![
            row(2, &person_label(&p[0]), "Lao động tiên tiến", ""),
            row(3, "hoang van an", "TTLDTT", "không"),
            row(4, &person_label(&p[2]), "ldtt", "có"),
            row(5, "", "Tập thể lao động tiên tiến", ""),
        ];
        let read = read_rows(&rows, &p, &titles(), &[]);
        assert!(read[0].errors.is_empty() && read[0].person_id.as_deref() == Some(p[0].id.as_str()));
        // A name without diacritics finds the one person of that name — but TTLĐTT is the unit's.
        assert_eq!(read[1].person_id.as_deref(), Some(p[0].id.as_str()));
        assert!(read[1].errors[0].contains("danh hiệu tập thể"), "{:?}", read[1]);
        assert!(read[2].errors.is_empty() && read[2].under_discipline);
        assert_eq!((read[3].person_id.clone(), read[3].award_type_id.as_deref()), (None, Some("t-ttldtt")));
    }

    #[test]
    fn every_problem_of_a_row_is_said_in_vietnamese() {
        let p = people();
        let rows = vec![
            row(2, "Lường Thị Bình", "LDTT", ""),
            row(3, "Nông Văn Không Có", "Giấy khen", "có lẽ"),
            row(4, "", "LDTT", ""),
            row(5, &person_label(&p[0]), "LDTT", ""),
            row(6, &person_label(&p[0]), "Lao động tiên tiến", ""),
            row(7, &person_label(&p[1]), "LDTT", ""),
            row(8, "", "", ""),
        ];
        let existing = vec![(Some(p[1].id.clone()), "t-ldtt".to_string())];
        let read = read_rows(&rows, &p, &titles(), &existing);
        assert!(read[0].errors[0].contains("nhiều người tên «Lường Thị Bình»"));
        assert_eq!(read[1].errors.len(), 3, "{:?}", read[1]);
        assert!(read[1].errors[0].starts_with("Dòng 3: không tìm thấy cá nhân"));
        assert!(read[2].errors[0].contains("cần chọn cá nhân"));
        assert!(read[3].errors.is_empty());
        assert_eq!(read[4].errors, ["Dòng 6: trùng với dòng 5."]);
        assert!(read[5].errors[0].contains("đã được đề nghị"));
        assert!(read[6].errors[0].contains("chưa chọn danh hiệu"));
    }
}
