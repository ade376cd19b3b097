//! The ward council loop through the real router: a member's opinion on a draft, the opinion box with its
//! limits and moderation, the ward's response and where it landed, ratings and the feedback share offered as
//! an indicator's actual, the public ledger, the Atom feed and the inbox — each from the role that uses it.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use hoshin_core::council::OpinionState;
use hoshin_core::{Indicator, IndicatorKind, ParseContext, TargetText};
use hoshin_store::OpinionFilter;

const LEDGER: &str = "/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA";
const BOX: &str = "/opinion-box/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA";

async fn opinions(store: &std::sync::Arc<dyn hoshin_store::Store>) -> Vec<hoshin_store::Opinion> {
    store.opinions(&OpinionFilter::default()).await.unwrap()
}

/// A POST to the public opinion box from `client` (the address the limit counts).
async fn send_to_box(
    store: &std::sync::Arc<dyn hoshin_store::Store>,
    service: &(impl tower::Service<
        Request<Body>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone),
    pairs: &[(&str, &str)],
    origin: Option<&str>,
) -> Reply {
    let _ = store;
    let owned: Vec<(String, String)> = pairs.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect();
    let mut request = Request::builder()
        .method("POST")
        .uri(BOX)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "hoshin.example");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    send_to(service.clone(), request.body(Body::from(encode(&owned))).unwrap()).await
}

#[tokio::test]
async fn an_opinion_goes_from_a_member_to_the_wards_response_and_the_public_ledger() {
    let store = store().await;
    // The member reads the draft and gives an opinion on an issue.
    let editor_page = get(&store, Some("member"), POLICY).await;
    assert!(editor_page.body.contains(&format!("{POLICY}/opinion?path=issues/1")), "a link per item");
    let form = get(&store, Some("member"), &format!("{POLICY}/opinion?path=issues/1")).await;
    assert_eq!(form.status, StatusCode::OK);
    let given = post(
        &store,
        Some("member"),
        &format!("{POLICY}/opinion"),
        &[("item", "issues/1"), ("text", "地域の担い手の育成を戦略に加えてほしい。")],
    )
    .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    let opinion = opinions(&store).await.remove(0);
    assert_eq!(
        (opinion.state, opinion.member.as_ref().map(|m| m.1.as_str())),
        (OpinionState::Published, Some("委員 一郎"))
    );
    // An empty opinion is refused with a message, nothing stored.
    let empty =
        post(&store, Some("member"), &format!("{POLICY}/opinion"), &[("item", "issues/1"), ("text", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("本文が空です"));
    assert_eq!(opinions(&store).await.len(), 1);
    // A council member account that is not registered as a member is told so.
    store
        .create_user(
            &hoshin_store::NewUser {
                name: "member2".into(),
                display_name: None,
                role: hoshin_core::Role::CouncilMember,
                organization: Some(sumiyoshi()),
                password_hash: password_hash("member"),
            },
            "test",
        )
        .await
        .unwrap();
    store
        .create_session(
            &hoshin_web::auth::token_hash("token-member2"),
            store.user("member2").await.unwrap().id,
            "csrf-member2",
            hoshin_web::auth::unix_now(),
        )
        .await
        .unwrap();
    let unregistered = get(&store, Some("member2"), &format!("{POLICY}/opinion")).await;
    assert_eq!(unregistered.status, StatusCode::FORBIDDEN);
    assert!(unregistered.body.contains("委員として登録されていません"));

    // The ward answers and says where it landed; the ledger shows the chain.
    let records = get(&store, Some("editor"), &format!("{POLICY}/council")).await;
    assert_eq!(records.status, StatusCode::OK);
    assert!(records.body.contains("地域の担い手の育成"));
    let version = store.versions(&key()).await.unwrap().last().unwrap().clone();
    let answered = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/council/respond"),
        &[
            ("id", &opinion.id.to_string()),
            ("status", "reflected"),
            ("text", "戦略「地域の担い手づくり」に反映しました。"),
            ("version", &version.id.to_string()),
        ],
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let ledger = get(&store, None, LEDGER).await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(ledger.body.contains("地域の担い手の育成を戦略に加えてほしい。"));
    assert!(ledger.body.contains("<span class=\"status\">反映</span>"), "{}", ledger.body);
    assert!(ledger.body.contains("戦略「地域の担い手づくり」に反映しました。"));
    assert!(ledger.body.contains(&format!("?version={}", version.seq)), "the version it landed in is linked");
    assert!(ledger.body.contains("委員 一郎"));
    // The policy page shows it under the issue; the member sees the response on the opinion page.
    let policy = get(&store, None, "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024").await;
    assert!(policy.body.contains("issues-1-opinions"));
    assert!(policy.body.contains("地域の担い手の育成を戦略に加えてほしい。"));
    let mine = get(&store, Some("member"), &format!("{POLICY}/opinion")).await;
    assert!(mine.body.contains("戦略「地域の担い手づくり」に反映しました。"));
    // Another ward's editor cannot answer it; the member cannot keep the records.
    let kita = post(
        &store,
        Some("kita"),
        &format!("{POLICY}/council/respond"),
        &[("id", &opinion.id.to_string()), ("status", "considered"), ("text", "x")],
    )
    .await;
    assert_eq!(kita.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&store, Some("member"), &format!("{POLICY}/council")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_opinion_box_is_limited_moderated_and_publishes_no_personal_data() {
    let store = store().await;
    let service = hoshin_web::service(store.clone());
    let page = get(&store, None, BOX).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"website\""), "the trap field is there");
    // Refusals: another site, an empty text, a text too long.
    let text = "公園を増やしてほしい。連絡は 06-6694-9999 か taro@example.jp へ。";
    let forged =
        send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", text)], Some("https://evil.example"))
            .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let empty = send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", "")], None).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("本文が空です"));
    let long = "あ".repeat(2001);
    let too_long = send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", &long)], None).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("2000文字以内"));
    // A robot filling the trap is thanked and ignored.
    let robot =
        send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", "spam"), ("website", "x")], None)
            .await;
    assert_eq!(robot.status, StatusCode::SEE_OTHER);
    assert!(opinions(&store).await.is_empty());
    // A citizen's opinion waits for moderation; the acknowledgement page says what happens next.
    let sent = send_to_box(
        &store,
        &service,
        &[
            ("year", "2024"),
            ("item", "issues/2"),
            ("residence", "resident"),
            ("text", text),
            ("contact", "090-1111-2222"),
        ],
        Some("http://hoshin.example"),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(sent.location().ends_with("/thanks"));
    assert!(get(&store, None, sent.location()).await.body.contains("ご意見を受け付けました"));
    assert!(!get(&store, None, LEDGER).await.body.contains("公園を増やして"), "nothing is public before moderation");
    // The limit: five posts an hour from one address.
    for _ in 0..4 {
        let again = send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", "もう一件")], None).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
    }
    let limited = send_to_box(&store, &service, &[("year", "2024"), ("item", ""), ("text", "六件目")], None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("1時間ほど"));
    assert_eq!(opinions(&store).await.len(), 5);

    // Staff see it with its contact and a masked suggestion; publishing the suggestion keeps the data out.
    let records = get(&store, Some("editor"), &format!("{POLICY}/council")).await;
    assert!(records.body.contains("090-1111-2222"), "staff see the contact");
    assert!(records.body.contains("連絡は ＊＊＊ か ＊＊＊ へ。"), "{}", records.body);
    // Pending opinions reach the inboxes of those who moderate, not the mayor's or a member's.
    assert!(get(&store, Some("admin"), "/inbox").await.body.contains("確認待ち"));
    for who in ["mayor", "member", "kita"] {
        let inbox = get(&store, Some(who), "/inbox").await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(!inbox.body.contains("確認待ち"), "{who} sees no pending opinion");
    }
    assert!(get(&store, Some("mayor"), "/inbox").await.body.contains("運営方針を公表"), "the mayor sees versions");
    assert!(!get(&store, Some("kita"), "/inbox").await.body.contains("住吉区"), "another ward's events stay out");
    let inbox = get(&store, Some("editor"), "/inbox").await;
    assert!(inbox.body.contains("確認待ち"));
    assert!(inbox.body.contains("class=\"new\""));
    assert!(!get(&store, Some("editor"), "/inbox").await.body.contains("class=\"new\""), "seen once, not new again");
    let pending = opinions(&store).await.into_iter().find(|o| o.text.contains("公園")).unwrap();
    let published = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/council/moderate"),
        &[
            ("id", &pending.id.to_string()),
            ("decision", "publish"),
            ("text", "公園を増やしてほしい。連絡は ＊＊＊ か ＊＊＊ へ。"),
        ],
    )
    .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let ledger = get(&store, None, LEDGER).await;
    assert!(ledger.body.contains("公園を増やしてほしい。"));
    for secret in ["06-6694-9999", "taro@example.jp", "090-1111-2222"] {
        assert!(!ledger.body.contains(secret), "{secret} is not public");
    }
    assert!(ledger.body.contains("区民"), "the author is a kind, never a name");
    // The feed lists it, escaped, as Atom.
    let feed = get(&store, None, &format!("{LEDGER}/feed.atom")).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.starts_with("<?xml"));
    assert!(feed.body.contains("<entry>") && feed.body.contains("意見を公開"));
    assert!(!feed.body.contains("090-1111-2222"));
    // Rejecting the rest leaves them off the ledger; moderating twice is a conflict.
    let again = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/council/moderate"),
        &[("id", &pending.id.to_string()), ("decision", "reject")],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn ratings_and_the_feedback_share_become_the_indicators_actual() {
    let store = store().await;
    // The working copy gains the common feedback indicator.
    let copy = store.working_copy(&key()).await.unwrap();
    let mut content = copy.content.clone();
    let mut indicator = Indicator::new(
        IndicatorKind::Outcome,
        "区政会議において、各委員からの意見や要望、評価について、適切なフィードバックが行われたと感じる区政会議の委員の割合",
    );
    indicator.number = Some(9);
    let target =
        hoshin_core::parse_target("80%以上", ParseContext { era: hoshin_core::Era::of(key().fiscal_year) }).unwrap();
    indicator.target = Some(TargetText::Parsed(target));
    content.issues[0].indicators.push(indicator);
    store.save_working_copy(&key(), copy.revision, copy.stage, &content, "editor").await.unwrap();

    // The member rates issue 1 and answers the feedback question.
    let page = get(&store, Some("member"), &format!("{POLICY}/ratings")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"score.1\""));
    let saved = post(
        &store,
        Some("member"),
        &format!("{POLICY}/ratings"),
        &[("score.1", "4"), ("comment.1", "防災の取組は評価できる"), ("feedback", "yes")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(get(&store, Some("member"), &format!("{POLICY}/ratings")).await.body.contains("value=\"4\" checked"));
    let bad = post(&store, Some("member"), &format!("{POLICY}/ratings"), &[("score.1", "9")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let ledger = get(&store, None, &format!("{LEDGER}?year=2024")).await;
    assert!(ledger.body.contains("防災の取組は評価できる"));
    assert!(ledger.body.contains("100%（1人中1人）"), "{}", ledger.body);

    // Staff offer the share as the indicator's actual: the bulk preview, then one save.
    let offer = post(&store, Some("editor"), &format!("{POLICY}/council/offer-actual"), &[]).await;
    assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
    assert!(offer.body.contains("100%"));
    let rows = unescape(&offer.hidden("rows"));
    let revision = offer.hidden("revision");
    let applied =
        post(&store, Some("editor"), &format!("{POLICY}/actuals/apply"), &[("rows", &rows), ("revision", &revision)])
            .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let copy = store.working_copy(&key()).await.unwrap();
    let feedback = copy.content.issues[0].indicators.last().unwrap();
    assert_eq!(feedback.result(key().fiscal_year).unwrap().actual.as_ref().unwrap().original, "100%");
}
