//! Keyset pagination: walking the pages while rows are inserted neither loses nor repeats an item.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::TestApp;

on_both_backends!(pages_neither_lose_nor_repeat_while_rows_are_inserted);

async fn pages_neither_lose_nor_repeat_while_rows_are_inserted(app: TestApp) {
    let province = app.create("provinces", json!({"code": "99", "name": "Tỉnh Phân Trang", "type": "tinh"})).await;
    let create = |code: u32| {
        let app = &app;
        let parent = province["id"].clone();
        async move {
            app.create("communes", json!({"code": format!("{code:05}"), "name": format!("Xã Số {code}"), "type": "xa", "parent_id": parent}))
                .await["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let mut before = HashSet::new();
    for code in (1000..1050).step_by(2) {
        before.insert(create(code).await);
    }

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut inserted = 0u32;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/communes?limit=7&cursor={c}"),
            None => "/api/v1/communes?limit=7".to_string(),
        };
        let page = app.get(&uri).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|u| u["id"].as_str().unwrap().to_string()));
        // Between pages, insert rows both behind and ahead of the cursor.
        create(1 + inserted).await;
        create(1001 + 2 * inserted).await;
        inserted += 1;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "an item was served twice");
    assert!(before.is_subset(&unique), "{} pre-existing items were lost", before.difference(&unique).count());
    assert!(inserted >= 4, "the walk spanned several pages");
}
