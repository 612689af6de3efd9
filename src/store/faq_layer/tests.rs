use chrono::Duration;

use super::*;
use crate::store::test_support::temp_store;

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default()
        + Duration::minutes(minutes)
}

fn draft(question: &str) -> FaqDraft {
    FaqDraft {
        question: question.to_owned(),
        answer: format!("{question} An answer."),
        aliases: vec!["one".to_owned(), "two, three".to_owned()],
    }
}

const SERVER: GuildId = GuildId::new(100);
const OTHER: GuildId = GuildId::new(200);
const ADMIN: MemberId = MemberId::new(42);

/// Applies `write` unconditionally, as `ADMIN`, and returns nothing.
async fn apply(store: &Store, guild: GuildId, minute: i64, kind: ChangeKind, write: LayerWrite) {
    let question = match &write {
        LayerWrite::Put { draft, .. } => draft.question.clone(),
        _ => "(gone)".to_owned(),
    };
    store
        .change_faq(guild, ADMIN, at(minute), |_| {
            Ok::<_, anyhow::Error>((
                Some(FaqChange {
                    write,
                    kind,
                    question,
                }),
                (),
            ))
        })
        .await
        .expect("saved");
}

fn put(key: &str, question: &str) -> LayerWrite {
    LayerWrite::Put {
        key: key.to_owned(),
        draft: draft(question),
    }
}

#[tokio::test]
async fn a_layer_keeps_its_rows_in_the_order_first_added_per_server() {
    let (store, _dir) = temp_store().await;
    apply(&store, SERVER, 0, ChangeKind::Added, put("first", "First?")).await;
    apply(
        &store,
        SERVER,
        1,
        ChangeKind::Removed,
        LayerWrite::Hide {
            key: "astrology".into(),
        },
    )
    .await;
    apply(
        &store,
        SERVER,
        2,
        ChangeKind::Added,
        put("second", "Second?"),
    )
    .await;
    // An edit keeps the entry's place.
    apply(
        &store,
        SERVER,
        3,
        ChangeKind::Edited,
        put("first", "First, edited?"),
    )
    .await;
    apply(
        &store,
        OTHER,
        4,
        ChangeKind::Added,
        put("elsewhere", "Elsewhere?"),
    )
    .await;

    let layer = store.faq_layer(SERVER).await.expect("reads");
    let keys: Vec<&str> = layer.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["first", "astrology", "second"]);
    assert_eq!(layer[0].change, Layered::Put(draft("First, edited?")));
    assert_eq!(layer[1].change, Layered::Hidden);
    // Aliases come back exactly, commas and all.
    let Layered::Put(first) = &layer[0].change else {
        panic!("a put row");
    };
    assert_eq!(first.aliases, ["one", "two, three"]);

    apply(
        &store,
        SERVER,
        5,
        ChangeKind::Removed,
        LayerWrite::Forget {
            key: "first".into(),
        },
    )
    .await;
    apply(
        &store,
        SERVER,
        6,
        ChangeKind::Added,
        put("astrology", "Stars?"),
    )
    .await;
    let layer = store.faq_layer(SERVER).await.expect("reads");
    let keys: Vec<&str> = layer.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["astrology", "second"]);
    assert!(matches!(layer[0].change, Layered::Put(_)));
    assert_eq!(store.faq_layer(OTHER).await.expect("reads").len(), 1);
}

#[tokio::test]
async fn every_change_records_who_and_when_newest_first_and_moves_the_revision() {
    let (store, _dir) = temp_store().await;
    let revision = |key: &'static str| {
        let store = store.clone();
        async move {
            store
                .change_faq(SERVER, ADMIN, at(99), |state| {
                    Ok::<_, anyhow::Error>((None, state.revision(key)))
                })
                .await
                .expect("reads")
        }
    };
    assert_eq!(revision("first").await, Revision::UNCHANGED);
    apply(&store, SERVER, 0, ChangeKind::Added, put("first", "First?")).await;
    let after_add = revision("first").await;
    assert!(after_add > Revision::UNCHANGED);
    apply(
        &store,
        SERVER,
        1,
        ChangeKind::Edited,
        put("first", "First again?"),
    )
    .await;
    assert!(revision("first").await > after_add);
    apply(&store, OTHER, 2, ChangeKind::Added, put("other", "Other?")).await;
    apply(
        &store,
        SERVER,
        3,
        ChangeKind::Removed,
        LayerWrite::Forget {
            key: "first".into(),
        },
    )
    .await;

    let (page, total) = store.faq_history(SERVER, 2, 0).await.expect("reads");
    assert_eq!(total, 3);
    assert_eq!(
        page,
        vec![
            FaqChangeRow {
                key: "first".into(),
                kind: ChangeKind::Removed,
                question: "(gone)".into(),
                admin: Some(ADMIN),
                at: at(3),
            },
            FaqChangeRow {
                key: "first".into(),
                kind: ChangeKind::Edited,
                question: "First again?".into(),
                admin: Some(ADMIN),
                at: at(1),
            },
        ]
    );
    let (rest, _) = store.faq_history(SERVER, 2, 2).await.expect("reads");
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].kind, ChangeKind::Added);
}

#[tokio::test]
async fn a_refused_or_empty_decision_stores_nothing() {
    let (store, _dir) = temp_store().await;
    let refused = store
        .change_faq(SERVER, ADMIN, at(0), |_| {
            Err::<(Option<FaqChange>, ()), _>(anyhow::anyhow!("no"))
        })
        .await;
    assert!(refused.is_err());
    store
        .change_faq(SERVER, ADMIN, at(0), |_| Ok::<_, anyhow::Error>((None, ())))
        .await
        .expect("nothing to do");
    assert!(store.faq_layer(SERVER).await.expect("reads").is_empty());
    assert_eq!(store.faq_history(SERVER, 10, 0).await.expect("reads").1, 0);
}

#[tokio::test]
async fn two_changes_at_once_see_each_other() {
    let (store, _dir) = temp_store().await;
    // Each saves only if the key is still at the revision both started from.
    let save = |question: &'static str| {
        let store = store.clone();
        async move {
            store
                .change_faq(SERVER, ADMIN, at(0), |state| {
                    if state.revision("shared") != Revision::UNCHANGED {
                        return Ok::<_, anyhow::Error>((None, false));
                    }
                    Ok((
                        Some(FaqChange {
                            write: put("shared", question),
                            kind: ChangeKind::Edited,
                            question: question.to_owned(),
                        }),
                        true,
                    ))
                })
                .await
                .expect("decided")
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(save("From A?")), tokio::spawn(save("From B?")));
    let saved = [a.expect("ran"), b.expect("ran")];
    assert_eq!(saved.iter().filter(|s| **s).count(), 1, "{saved:?}");
    assert_eq!(store.faq_history(SERVER, 10, 0).await.expect("reads").1, 1);
}

#[tokio::test]
async fn a_stored_row_that_does_not_fit_is_an_error_not_a_guess() {
    let (store, _dir) = temp_store().await;
    sqlx::query(
        "INSERT INTO faq_layer (guild_id, key, kind, question, answer, aliases)
         VALUES (100, 'odd', 'put', 'Q?', 'A.', '[1, 2]')",
    )
    .execute(store.pool())
    .await
    .expect("the schema allows a JSON array");
    let error = store.faq_layer(SERVER).await.expect_err("not texts");
    assert!(format!("{error:#}").contains("“odd”"), "{error:#}");
}

#[tokio::test]
async fn the_schema_refuses_a_put_without_texts_and_a_hide_with_them() {
    let (store, _dir) = temp_store().await;
    for sql in [
        "INSERT INTO faq_layer (guild_id, key, kind) VALUES (1, 'a', 'put')",
        "INSERT INTO faq_layer (guild_id, key, kind, question, answer, aliases) VALUES (1, 'b', 'hide', 'Q', 'A', '[]')",
        "INSERT INTO faq_layer (guild_id, key, kind, question, answer, aliases) VALUES (1, 'c', 'put', 'Q', 'A', 'not json')",
        "INSERT INTO faq_changes (guild_id, key, action, question, admin_id, at) VALUES (1, 'd', 'renamed', 'Q', 1, 0)",
    ] {
        assert!(sqlx::query(sql).execute(store.pool()).await.is_err(), "{sql}");
    }
}

#[tokio::test]
async fn an_admin_who_erases_their_data_leaves_the_history_without_their_id() {
    let (store, _dir) = temp_store().await;
    apply(&store, SERVER, 0, ChangeKind::Added, put("first", "First?")).await;
    store.delete_member(ADMIN).await.expect("erased");
    let (rows, total) = store.faq_history(SERVER, 10, 0).await.expect("reads");
    assert_eq!(total, 1);
    assert_eq!(rows[0].admin, None);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM faq_changes WHERE admin_id = 42")
        .fetch_one(store.pool())
        .await
        .expect("counts");
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_home_server_is_where_the_member_enrolled() {
    let (store, _dir) = temp_store().await;
    assert_eq!(
        store.home_guild(MemberId::new(7)).await.expect("reads"),
        None
    );
    sqlx::query("INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at) VALUES (7, 'UTC', '19:00', 'daily', 1, 0), (8, 'UTC', '19:00', 'daily', 1, 0)")
        .execute(store.pool())
        .await
        .expect("members");
    sqlx::query("INSERT INTO programs (member_id, step, step_since, enrolled_at, guild_id) VALUES (7, 1, 0, 0, 100), (8, 1, 0, 0, NULL)")
        .execute(store.pool())
        .await
        .expect("programs");
    assert_eq!(
        store.home_guild(MemberId::new(7)).await.expect("reads"),
        Some(SERVER)
    );
    assert_eq!(
        store.home_guild(MemberId::new(8)).await.expect("reads"),
        None
    );
}
