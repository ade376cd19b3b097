//! The signed-in workspace, through the real router without a socket: signing in, the authorization matrix
//! (every role against every mutating route, and another organization's policy), CSRF, editing with
//! conflicts, the review cycle, roll-over and history.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;

#[tokio::test]
async fn signing_in_with_a_password_csrf_and_the_failure_limit() {
    let store = store().await;
    let page = get(&store, None, "/login?next=/edit").await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let token = page.hidden("csrf");
    let login =
        |name: &str, password: &str, csrf: &str| login_request(&format!("hoshin_login={token}"), csrf, name, password);
    assert_eq!(send(&store, login("editor", "editor-password-123", "forged")).await.status, StatusCode::FORBIDDEN);
    let wrong = send(&store, login("editor", "wrong-password!!", &token)).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("ユーザー名またはパスワードが違います"));
    assert_eq!(send(&store, login("nobody", "whatever-password", &token)).await.status, StatusCode::UNAUTHORIZED);
    let ok = send(&store, login("editor", "editor-password-123", &token)).await;
    assert_eq!((ok.status, ok.location()), (StatusCode::SEE_OTHER, "/edit"));
    let session_token = ok.cookie("hoshin_session").unwrap();
    let dashboard = get_in_session(&store, &session_token, "/edit").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("住吉区運営方針"));
    assert_eq!(dashboard.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    // Five failures lock the name, even for the right password.
    let server = hoshin_web::service(store.clone());
    for _ in 0..hoshin_web::auth::MAX_FAILURES {
        send_to(server.clone(), login("mayor", "wrong-password!!", &token)).await;
    }
    let locked = send_to(server.clone(), login("mayor", "mayor-password-123", &token)).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);

    // Without a session, the workspace sends the browser to sign in and back.
    let anonymous = get(&store, None, &format!("{POLICY}/item?path=issues/1")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login?next=%2Fedit%2F"), "{}", anonymous.location());
    // A disabled account's session ends at once.
    store.update_user("editor", &hoshin_store::UserChange::Disabled(true), "admin").await.unwrap();
    assert_eq!(get_in_session(&store, &session_token, "/edit").await.status, StatusCode::SEE_OTHER);
}

/// Every mutating route, as (path, form).
fn mutating_routes(revision: i64) -> Vec<(String, Vec<(&'static str, String)>)> {
    let revision = revision.to_string();
    let revision_for_actuals = revision.clone();
    vec![
        (
            format!("{POLICY}/item"),
            vec![
                ("path", "issues/1".into()),
                ("revision", revision.clone()),
                ("original", "x".into()),
                ("title", "t".into()),
                ("id", "1".into()),
            ],
        ),
        (
            format!("{POLICY}/new"),
            vec![
                ("parent", "issues/1".into()),
                ("collection", "problem_recognition".into()),
                ("bullets", "新しい課題認識".into()),
            ],
        ),
        (
            format!("{POLICY}/move"),
            vec![("path", "issues/2".into()), ("offset", "-1".into()), ("original", "x".into())],
        ),
        (format!("{POLICY}/remove"), vec![("path", "issues/2".into()), ("original", "x".into())]),
        (format!("{POLICY}/submit"), vec![("stage", "year_end".into()), ("revision", revision.clone())]),
        (format!("{POLICY}/withdraw"), vec![("revision", revision.clone())]),
        (format!("{POLICY}/publish"), vec![("revision", revision.clone())]),
        (format!("{POLICY}/return"), vec![("revision", revision), ("note", "見直してください".into())]),
        (format!("{POLICY}/roll-over"), vec![]),
        (
            "/admin/users".to_string(),
            vec![
                ("name", "new-user".into()),
                ("role", "editor".into()),
                ("organization", "大阪市/住吉区".into()),
                ("password", "new-user-password-1".into()),
            ],
        ),
        ("/admin/users/member".to_string(), vec![("op", "disable".into())]),
        (
            format!("{POLICY}/actuals/apply"),
            vec![
                ("rows", r#"[[1,["課題番号","指標番号","実績値"]],[2,["1","1","44.0%"]]]"#.into()),
                ("revision", revision_for_actuals),
            ],
        ),
        (format!("{POLICY}/council/members"), vec![("name", "委員 三郎".into()), ("term_start", "2024".into())]),
        (
            format!("{POLICY}/council/meetings"),
            vec![("held_on", "2025-01-20".into()), ("kind", "plenary".into()), ("title", "第3回区政会議".into())],
        ),
        (format!("{POLICY}/council/opinions"), vec![("item", "issues/1".into()), ("text", "意見です".into())]),
        (format!("{POLICY}/council/moderate"), vec![("id", "999".into()), ("decision", "reject".into())]),
        (
            format!("{POLICY}/council/respond"),
            vec![("id", "999".into()), ("status", "considered".into()), ("text", "検討します".into())],
        ),
        (format!("{POLICY}/council/offer-actual"), vec![]),
        (format!("{POLICY}/opinion"), vec![("item", "issues/1".into()), ("text", "委員の意見です".into())]),
        (format!("{POLICY}/ratings"), vec![("score.1", "4".into()), ("feedback", "yes".into())]),
        (format!("{POLICY}/sheet/apply"), vec![("csv", "hoshin,key,value\n".into()), ("revision", "0".into())]),
        (
            "/admin/common".to_string(),
            vec![("members", "999998,999999".into()), ("wording", "x".into()), ("decision", "reject".into())],
        ),
    ]
}

/// Which routes each role may use on 住吉区's policy (the index into [`mutating_routes`]).
fn allowed(who: &str, route: usize) -> bool {
    let opine = route == 18 || route == 19;
    match who {
        "admin" => !opine,
        "editor" => route <= 5 || route == 8 || (11..=17).contains(&route) || route == 20,
        "mayor" => route == 6 || route == 7,
        "member" => opine,
        _ => false,
    }
}

#[tokio::test]
async fn the_authorization_matrix_covers_every_role_and_mutating_route() {
    for who in [None, Some("admin"), Some("editor"), Some("mayor"), Some("member"), Some("kita")] {
        for (index, (path, form)) in mutating_routes(0).into_iter().enumerate() {
            // A fresh database per case: an allowed request changes what the next one sees.
            let store = store().await;
            let revision = store.working_copy(&key()).await.unwrap().revision.to_string();
            let form: Vec<(&str, &str)> = form
                .iter()
                .map(|(name, value)| (*name, if *name == "revision" { revision.as_str() } else { value.as_str() }))
                .collect();
            let reply = post(&store, who, &path, &form).await;
            let label = format!("{} POST {path}", who.unwrap_or("public"));
            match who {
                None => assert_eq!(
                    (reply.status, reply.location().starts_with("/login")),
                    (StatusCode::SEE_OTHER, true),
                    "{label}"
                ),
                Some(who) if allowed(who, index) => {
                    assert_ne!(reply.status, StatusCode::FORBIDDEN, "{label}: {}", reply.body);
                    assert!(
                        reply.status.is_redirection() || reply.status.is_client_error(),
                        "{label}: {}",
                        reply.status
                    );
                }
                Some(_) => assert_eq!(reply.status, StatusCode::FORBIDDEN, "{label}: {}", reply.body),
            }
            if let Some(who) = who.filter(|who| allowed(who, index)) {
                // The same request without the CSRF token, or with another session's, is refused.
                let mut without: Vec<(String, String)> =
                    form.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect();
                assert_eq!(
                    post_raw(&store, Some(who), &path, &without).await.status,
                    StatusCode::FORBIDDEN,
                    "{label} without CSRF"
                );
                without.push(("csrf".into(), "csrf-kita".into()));
                assert_eq!(
                    post_raw(&store, Some(who), &path, &without).await.status,
                    StatusCode::FORBIDDEN,
                    "{label} with another CSRF"
                );
            }
        }
    }
    // Reading drafts: council members may read their ward's; another ward's editor may not.
    let store = store().await;
    assert_eq!(get(&store, Some("member"), POLICY).await.status, StatusCode::OK);
    assert_eq!(get(&store, Some("kita"), POLICY).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&store, Some("member"), &format!("{POLICY}/item?path=issues/1")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(&store, Some("editor"), "/admin/users").await.status, StatusCode::FORBIDDEN);
    // A form posted from another site is refused before anything is read.
    let request = Request::builder()
        .method("POST")
        .uri(format!("{POLICY}/roll-over"))
        .header(header::HOST, "hoshin.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, "hoshin_session=token-editor")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=csrf-editor"))
        .unwrap();
    assert_eq!(send(&store, request).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn editing_parses_fields_merges_other_items_and_shows_conflicts() {
    let store = store().await;
    // A budget in its written form is stored as yen and shown parsed.
    let mut budget = item_form(&store, "editor", "issues/1").await;
    set(&mut budget, "budgets.2.amount", "85百万円");
    let saved = post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &budget).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let copy = store.working_copy(&key()).await.unwrap();
    assert_eq!(copy.content.issues[0].budgets[2].amount.yen, Some(85_000_000));
    let page = get(&store, Some("editor"), &format!("{POLICY}/item?path=issues/1")).await;
    assert!(page.body.contains("85,000,000円"));

    // An unreadable target is refused with a message, and nothing is saved.
    let mut target = item_form(&store, "editor", "issues/1/indicators/1").await;
    set(&mut target, "target", "できるだけ多く");
    let refused = post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &target).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("評価不能として保存"), "{}", refused.body);
    assert_eq!(store.working_copy(&key()).await.unwrap().revision, copy.revision);

    // Two editors open the same indicator, and a third item is changed in between.
    let mut first = item_form(&store, "editor", "issues/1/indicators/1").await;
    let mut second = item_form(&store, "editor2", "issues/1/indicators/1").await;
    let mut other = item_form(&store, "editor2", "issues/2").await;
    set(&mut other, "desired_state", "だれもが安心して暮らせるまち");
    assert_eq!(
        post_raw(&store, Some("editor2"), &format!("{POLICY}/item"), &other).await.status,
        StatusCode::SEE_OTHER
    );
    // The first save goes on: the indicator itself is as the editor opened it.
    set(&mut first, "target", "令和8年度までに70%以上");
    let merged = post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &first).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let copy = store.working_copy(&key()).await.unwrap();
    assert_eq!(copy.content.issues[1].desired_state.as_deref(), Some("だれもが安心して暮らせるまち"));
    assert_eq!(copy.content.issues[0].indicators[0].target.as_ref().unwrap().text(), "令和8年度までに70%以上");
    // The second save of the same indicator is a conflict: both versions shown, the input kept.
    set(&mut second, "target", "令和8年度までに65%以上");
    let conflict = post_raw(&store, Some("editor2"), &format!("{POLICY}/item"), &second).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("ほかの人が先に保存しました"));
    assert!(conflict.body.contains("令和8年度までに70%以上"), "what is saved now is shown");
    assert!(conflict.body.contains("value=\"令和8年度までに65%以上\""), "the editor's input is kept");
    // Saving from the conflict page overwrites deliberately.
    set(&mut second, "revision", &conflict.hidden("revision"));
    set(&mut second, "original", &conflict.hidden("original"));
    assert_eq!(
        post_raw(&store, Some("editor2"), &format!("{POLICY}/item"), &second).await.status,
        StatusCode::SEE_OTHER
    );
    let copy = store.working_copy(&key()).await.unwrap();
    assert_eq!(copy.content.issues[0].indicators[0].target.as_ref().unwrap().text(), "令和8年度までに65%以上");

    // Adding, moving and removing.
    let added = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/new"),
        &[
            ("parent", "issues/1"),
            ("collection", "problem_recognition"),
            ("heading", "新たな課題"),
            ("bullets", "一つ目\n二つ目"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let copy = store.working_copy(&key()).await.unwrap();
    let groups = &copy.content.issues[0].problem_recognition;
    assert_eq!(groups.last().unwrap().bullets, ["一つ目", "二つ目"]);
    let issues_before: Vec<String> = copy.content.issues.iter().map(|issue| issue.title.clone()).collect();
    let editor = get(&store, Some("editor"), POLICY).await;
    let original = |path: &str| {
        let marker = format!("name=\"path\" value=\"{path}\"><input type=\"hidden\" name=\"original\" value=\"");
        let start = editor.body.find(&marker).unwrap() + marker.len();
        editor.body[start..start + 32].to_string()
    };
    let moved = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/move"),
        &[("path", "issues/2"), ("offset", "-1"), ("original", &original("issues/2"))],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let copy = store.working_copy(&key()).await.unwrap();
    assert_eq!(copy.content.issues[0].title, issues_before[1]);
    let removal = get(&store, Some("editor"), &format!("{POLICY}/remove?path=issues/1")).await;
    let removed = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/remove"),
        &[("path", "issues/1"), ("original", &removal.hidden("original"))],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(store.working_copy(&key()).await.unwrap().content.issues.len(), issues_before.len() - 1);

    // The history of the indicator shows the target's change as a readable diff.
    let history = get(&store, Some("editor"), &format!("{POLICY}/history?path=issues/1/indicators/1")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("令和8年度までに65%以上") && history.body.contains("editor2"), "{}", history.body);
}

#[tokio::test]
async fn submit_publish_roll_over_and_the_public_site() {
    let store = store().await;
    let revision = || async { store.working_copy(&key()).await.unwrap().revision.to_string() };
    let mut form = item_form(&store, "editor", "").await;
    set(&mut form, "goal", "すべての区民が安心して暮らせるまち");
    assert_eq!(post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &form).await.status, StatusCode::SEE_OTHER);
    // Publishing needs a submission.
    let early = post(&store, Some("mayor"), &format!("{POLICY}/publish"), &[("revision", &revision().await)]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let submitted = post(
        &store,
        Some("editor"),
        &format!("{POLICY}/submit"),
        &[("stage", "year_end"), ("revision", &revision().await)],
    )
    .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    // While submitted, the working copy is locked.
    let mut locked = item_form(&store, "editor", "").await;
    set(&mut locked, "goal", "変更");
    assert_eq!(post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &locked).await.status, StatusCode::CONFLICT);
    // The approver returns it with a note, the editor submits again, the approver publishes.
    let returned = post(
        &store,
        Some("mayor"),
        &format!("{POLICY}/return"),
        &[("revision", &revision().await), ("note", "表現を確認")],
    )
    .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);
    assert!(get(&store, Some("editor"), POLICY).await.body.contains("表現を確認"));
    post(
        &store,
        Some("editor"),
        &format!("{POLICY}/submit"),
        &[("stage", "year_end"), ("revision", &revision().await)],
    )
    .await;
    let published = post(&store, Some("mayor"), &format!("{POLICY}/publish"), &[("revision", &revision().await)]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let public = get(&store, None, "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024").await;
    assert!(public.body.contains("すべての区民が安心して暮らせるまち"));

    // Roll-over: next year's first draft, for the editors only until it is published.
    let rolled = post(&store, Some("editor"), &format!("{POLICY}/roll-over"), &[]).await;
    assert_eq!(rolled.status, StatusCode::SEE_OTHER, "{}", rolled.body);
    let next = "/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2025";
    assert_eq!(rolled.location(), next);
    let draft = get(&store, Some("editor"), next).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.body.contains("予算額が未記入です"), "the checklist asks for the new year's budget");
    let hidden = get(&store, None, "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2025").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!get(&store, None, "/").await.body.contains("2025年度"));
    let again = post(&store, Some("editor"), &format!("{POLICY}/roll-over"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a second roll-over is refused");
}

fn first_actual(store_copy: &hoshin_store::WorkingCopy) -> String {
    let indicator = &store_copy.content.issues[0].indicators[0];
    indicator.result(key().fiscal_year).unwrap().actual.as_ref().unwrap().original.clone()
}

#[tokio::test]
async fn bulk_actuals_are_previewed_then_saved_in_one_write() {
    let store = store().await;
    let actuals = format!("{POLICY}/actuals");
    // The template holds every indicator with what the policy says now, as CSV for Excel.
    let template = get(&store, Some("editor"), &format!("{actuals}.csv")).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(template.body.starts_with('\u{FEFF}'));
    assert!(template.body.contains("課題番号,指標番号,指標,年度,実績値,区の評価"));
    assert!(template.body.contains("43.9%"));
    let copy = store.working_copy(&key()).await.unwrap();
    let indicators: usize = copy.content.issues.iter().map(|issue| issue.indicators.len()).sum();
    assert_eq!(template.body.lines().count(), indicators + 1);

    // The template with one actual changed: the preview shows that change and its judgment, nothing else.
    let sheet = template.body.replacen("43.9%", "56.0%", 1);
    let preview =
        post_multipart(&store, "editor", &actuals, &[("csrf", "csrf-editor")], Some(("actuals.csv", sheet.as_bytes())))
            .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("変更される指標 1件"), "{}", preview.body);
    assert!(preview.body.contains("43.9%</span> → <strong class=\"after\">56.0%"));
    let planned = hoshin_core::actuals::plan(
        &copy.content,
        key().fiscal_year,
        &hoshin_import::table::read_text(&sheet)
            .unwrap()
            .into_iter()
            .map(|row| (row.number, row.cells))
            .collect::<Vec<_>>(),
    );
    let computed = planned.changes[0]
        .after
        .judge_year(key().fiscal_year, hoshin_core::Rule::default(), |judgment| judgment.mark())
        .flatten()
        .unwrap();
    assert!(preview.body.contains(&format!("<strong class=\"computed\">{}</strong>", computed.letter())));
    assert_eq!(first_actual(&store.working_copy(&key()).await.unwrap()), "43.9%", "a preview writes nothing");

    // Confirming saves it, in one revision, audited under the editor's name.
    let rows = unescape(&preview.hidden("rows"));
    let revision = preview.hidden("revision");
    let applied =
        post(&store, Some("editor"), &format!("{actuals}/apply"), &[("rows", &rows), ("revision", &revision)]).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert!(applied.location().ends_with("?saved=1"));
    let after = store.working_copy(&key()).await.unwrap();
    assert_eq!(first_actual(&after), "56.0%");
    assert_eq!(after.revision, copy.revision + 1);
    let audit = store.policy_audit(&key(), 1).await.unwrap();
    assert_eq!(audit[0].actor, "editor");

    // Confirming the same preview again is refused: the policy changed since it was read.
    let stale =
        post(&store, Some("editor"), &format!("{actuals}/apply"), &[("rows", &rows), ("revision", &revision)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("確認した後に"));
    assert_eq!(store.working_copy(&key()).await.unwrap().revision, after.revision);
}

#[tokio::test]
async fn bulk_actuals_refuse_bad_sheets_with_messages_and_write_nothing() {
    let store = store().await;
    let actuals = format!("{POLICY}/actuals");
    let before = store.working_copy(&key()).await.unwrap();
    let csrf = [("csrf", "csrf-editor")];

    // Nothing chosen, a picture, a workbook with Excel's 62.5% as 0.625, a sheet with slipped rows.
    let empty = post_multipart(&store, "editor", &actuals, &csrf, None).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("ファイルを選ぶか、表を貼り付けてください"));
    let picture =
        post_multipart(&store, "editor", &actuals, &csrf, Some(("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"))).await;
    assert_eq!(picture.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(picture.body.contains("表として読めません"), "{}", picture.body);

    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["課題番号", "指標番号", "実績値"].iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_number(1, 0, 1).unwrap();
    sheet.write_number(1, 1, 1).unwrap();
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    sheet.write_number_with_format(1, 2, 0.625, &percent).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let excel = post_multipart(&store, "editor", &actuals, &csrf, Some(("actuals.xlsx", &bytes))).await;
    assert_eq!(excel.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(excel.body.contains("単位がありません"), "{}", excel.body);
    assert!(!excel.body.contains("id=\"apply\""), "no confirmation while a row has a problem");

    let slipped = "課題番号\t指標番号\t指標\t実績値\n1\t1\t区民の防災意識\t50%\n";
    let pasted = post_multipart(&store, "editor", &actuals, &[("csrf", "csrf-editor"), ("text", slipped)], None).await;
    assert_eq!(pasted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(pasted.body.contains("行がずれていないか"), "{}", pasted.body);
    assert!(pasted.body.contains("区民の防災意識"), "the pasted table is kept to fix");

    // An upload over the limit gets a message, not a dropped connection.
    let huge = vec![b'a'; hoshin_import::MAX_INPUT_BYTES + 1024];
    let large = post_multipart(&store, "editor", &actuals, &csrf, Some(("huge.csv", &huge))).await;
    assert_eq!(large.status, StatusCode::BAD_REQUEST);
    assert!(large.body.contains("大きすぎます"), "{}", large.body);

    // Another ward's editor and a council member may not read or use the page; CSRF is checked.
    assert_eq!(get(&store, Some("kita"), &actuals).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&store, Some("member"), &format!("{actuals}.csv")).await.status, StatusCode::FORBIDDEN);
    let forged = post_multipart(&store, "editor", &actuals, &[("csrf", "csrf-kita"), ("text", slipped)], None).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(store.working_copy(&key()).await.unwrap().revision, before.revision, "nothing was written");
}

#[tokio::test]
async fn the_to_do_list_groups_what_is_missing_per_policy_for_those_who_may_read_it() {
    let store = store().await;
    // An actual emptied: the year-end list asks for it, under actuals, with a link to the indicator's form.
    let mut form = item_form(&store, "editor", "issues/1/indicators/1").await;
    set(&mut form, "results.0.actual", "");
    set(&mut form, "results.0.mark", "");
    let saved = post_raw(&store, Some("editor"), &format!("{POLICY}/item"), &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let todo = get(&store, Some("editor"), "/edit/todo").await;
    assert_eq!(todo.status, StatusCode::OK);
    assert!(todo.body.contains("住吉区運営方針"));
    assert!(todo.body.contains("実績と区の評価（"), "{}", todo.body);
    assert!(todo.body.contains(&format!("{POLICY}/item?path=issues/1/indicators/1")));
    assert!(todo.body.contains("令和6年度の実績が未入力です"), "{}", todo.body);
    // The dashboard's count links to the list.
    assert!(get(&store, Some("editor"), "/edit").await.body.contains("/edit/todo#todo-"));
    // A council member reads it without edit links; another ward's editor does not see 住吉区 at all.
    let member = get(&store, Some("member"), "/edit/todo").await;
    assert!(member.body.contains("住吉区運営方針"));
    assert!(!member.body.contains("/item?path="));
    let kita = get(&store, Some("kita"), "/edit/todo").await;
    assert_eq!(kita.status, StatusCode::OK);
    assert!(!kita.body.contains("住吉区運営方針"));
}

#[tokio::test]
async fn a_policy_goes_out_as_a_workbook_and_comes_back_with_a_preview() {
    let store = store().await;
    let public = "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";
    // Anyone downloads a published version in the canonical form.
    let xlsx = get(&store, None, &format!("{public}/sheet.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    let csv = get(&store, None, &format!("{public}/sheet.csv?version=1")).await;
    assert!(csv.body.starts_with("\u{FEFF}hoshin,key,value"));
    assert_eq!(get(&store, None, &format!("{public}/sheet.csv?version=9")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&store, None, &format!("{public}/sheet.pdfx")).await.status, StatusCode::NOT_FOUND);
    assert!(get(&store, None, public).await.body.contains("sheet.xlsx?version=1"));
    // And the common-format PDF, typeset with a Japanese font.
    let pdf = get(&store, None, &format!("{public}/policy.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let layout = get(&store, None, &format!("{public}/layout.xlsx")).await;
    assert_eq!(layout.status, StatusCode::OK);
    assert!(layout.body.starts_with("PK"));

    // The editor changes the goal in the CSV and uploads it: the preview shows the change, nothing is saved.
    let sheet = format!("{POLICY}/sheet");
    let before = store.working_copy(&key()).await.unwrap();
    let mut lines: Vec<String> = csv.body.split("\r\n").map(str::to_string).collect();
    let header_line = lines.iter().position(|line| line.starts_with("policy,path,")).unwrap();
    let columns: Vec<&str> = lines[header_line].split(',').collect();
    let goal = columns.iter().position(|column| *column == "goal").unwrap();
    let mut cells: Vec<String> = lines[header_line + 1].split(',').map(str::to_string).collect();
    cells[goal] = "すべての区民が安心して暮らせるまち".into();
    // The policy row has no quoted cells in this document, so splitting at commas is exact here.
    lines[header_line + 1] = cells.join(",");
    let upload = lines.join("\r\n");
    let preview =
        post_multipart(&store, "editor", &sheet, &[("csrf", "csrf-editor")], Some(("policy.csv", upload.as_bytes())))
            .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("<ins>+ すべての区民が安心して暮らせるまち</ins>"), "{}", preview.body);
    assert_eq!(store.working_copy(&key()).await.unwrap().revision, before.revision, "a preview saves nothing");
    // Confirming saves it in one write.
    let csv_field = {
        let start =
            preview.body.find("<textarea name=\"csv\" hidden>").unwrap() + "<textarea name=\"csv\" hidden>".len();
        unescape(&preview.body[start..start + preview.body[start..].find("</textarea>").unwrap()])
    };
    let revision = preview.hidden("revision");
    let applied =
        post(&store, Some("editor"), &format!("{sheet}/apply"), &[("csv", &csv_field), ("revision", &revision)]).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let after = store.working_copy(&key()).await.unwrap();
    assert_eq!(after.content.goal.as_deref(), Some("すべての区民が安心して暮らせるまち"));
    assert_eq!(after.revision, before.revision + 1);
    // The same confirmation again is stale.
    let stale =
        post(&store, Some("editor"), &format!("{sheet}/apply"), &[("csv", &csv_field), ("revision", &revision)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    // Refusals name the problem and save nothing: another kind of file, a broken cell, another ward's policy.
    let csrf = [("csrf", "csrf-editor")];
    let other =
        post_multipart(&store, "editor", &sheet, &csrf, Some(("a.csv", "課題番号,実績値\n1,2\n".as_bytes()))).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("データ形式のブック"));
    let broken = upload.replacen("令和10年度末までに55％以上", "がんばる", 1);
    let broken = post_multipart(&store, "editor", &sheet, &csrf, Some(("b.csv", broken.as_bytes()))).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("シート「indicators」") && broken.body.contains("「target」列"), "{}", broken.body);
    let elsewhere = upload.replace("住吉区", "北区");
    let elsewhere = post_multipart(&store, "editor", &sheet, &csrf, Some(("c.csv", elsewhere.as_bytes()))).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(elsewhere.body.contains("別の運営方針"));
    assert_eq!(store.working_copy(&key()).await.unwrap().revision, after.revision);
    // The working copy downloads for those who read drafts; not for another ward.
    assert_eq!(get(&store, Some("member"), &format!("{POLICY}/sheet.xlsx")).await.status, StatusCode::OK);
    assert_eq!(get(&store, Some("kita"), &format!("{POLICY}/sheet.xlsx")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&store, Some("member"), &sheet).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_change_report_reads_the_year_before_against_the_year() {
    let store = store().await;
    // FY2025 from FY2024 with a raised target and a new indicator, published.
    let current = store.latest(&key()).await.unwrap();
    let mut next = hoshin_core::rollover::roll_over(&current.content, key().fiscal_year);
    let context = hoshin_core::ParseContext { era: hoshin_core::Era::of(key().fiscal_year) };
    next.issues[0].indicators[0].target = Some(hoshin_core::TargetText::Parsed(
        hoshin_core::parse_target("令和10年度末までに60％以上とする。", context).unwrap(),
    ));
    next.issues[0]
        .indicators
        .push(hoshin_core::Indicator::new(hoshin_core::IndicatorKind::Outcome, "子育てサロンの利用者数"));
    let next_key =
        hoshin_store::PolicyKey { organization: sumiyoshi(), fiscal_year: hoshin_core::FiscalYear::new(2025).unwrap() };
    let draft = store.create_draft(&next_key, hoshin_core::Stage::FirstDraft, &next, "editor").await.unwrap();
    let revision = store.submit(&next_key, draft.revision, hoshin_core::Stage::FirstDraft, "editor").await.unwrap();
    store.publish(&next_key, revision, "mayor").await.unwrap();

    let organization =
        get(&store, None, "/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA").await;
    assert!(organization.body.contains("/changes/2025"), "the organization page links the report");
    let report =
        get(&store, None, "/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/changes/2025").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("の目標が「令和10年度末までに55％以上とする。」から「令和10年度末までに60％以上とする。」に引き上げられました"), "{}", report.body);
    assert!(report.body.contains("指標「子育てサロンの利用者数」が加わりました"));
    assert_eq!(
        get(&store, None, "/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/changes/2024")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "no FY2023 policy to compare with"
    );
}

#[tokio::test]
async fn an_administrator_confirms_a_common_indicator_and_the_comparison_follows() {
    let store = store().await;
    // 北区 publishes a policy with the same first indicator as 住吉区.
    let sumiyoshi_policy = store.latest(&key()).await.unwrap();
    let mut content = hoshin_core::PolicyContent::default();
    content.issues.push(sumiyoshi_policy.content.issues[0].clone());
    content.issues[0].indicators.truncate(1);
    content.issues[0].indicators[0].sample_sizes = vec![(key().fiscal_year, 500)];
    // 北区's value fell from 50%: its trend misses 55% by FY2028.
    content.issues[0].indicators[0].previous_actual = Some(hoshin_core::parse_measure("50%").unwrap());
    let kita = hoshin_store::PolicyKey {
        organization: hoshin_core::Organization::new("北区", Some("大阪市")),
        fiscal_year: key().fiscal_year,
    };
    store
        .import(hoshin_store::NewImport {
            key: kita.clone(),
            stage: hoshin_core::Stage::YearEnd,
            content,
            era: None,
            source: hoshin_store::Source::Import { file_name: "kita.txt".into(), sha256: "kita".into() },
            author: "test".into(),
        })
        .await
        .unwrap();
    // Only administrators decide.
    assert_eq!(get(&store, Some("editor"), "/admin/common").await.status, StatusCode::FORBIDDEN);
    let page = get(&store, Some("admin"), "/admin/common").await;
    assert_eq!(page.status, StatusCode::OK);
    let members = page.hidden("members");
    assert_eq!(members.split(',').count(), 2, "the two wards' indicator is suggested: {}", page.body);
    let wording = "地域活動への参加しやすさ";
    let confirmed = post(
        &store,
        Some("admin"),
        "/admin/common",
        &[("members", &members), ("wording", wording), ("decision", "confirm")],
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);
    assert!(
        !get(&store, Some("admin"), "/admin/common").await.body.contains(&format!("value=\"{members}\"")),
        "decided, not suggested again"
    );
    // The comparison pages, the open data and the API know it now.
    let index = get(&store, None, "/compare").await;
    assert!(index.body.contains(wording));
    let first = members.split(',').map(|id| id.parse::<i64>().unwrap()).min().unwrap();
    let compare = get(&store, None, &format!("/compare/group-{first}/2024")).await;
    assert_eq!(compare.status, StatusCode::OK);
    assert!(compare.body.contains("住吉区") && compare.body.contains("北区"));
    assert!(compare.body.contains("43.9% ±4.3 (n=500)"), "the share with its margin of error: {}", compare.body);
    let table = &compare.body[compare.body.find("<tbody>").unwrap()..];
    let kita_row = table.split("<tr>").find(|row| row.contains("北区")).unwrap();
    let sumiyoshi_row = table.split("<tr>").find(|row| row.contains("住吉区")).unwrap();
    assert!(kita_row.contains("要注意") && !sumiyoshi_row.contains("要注意"), "{kita_row}\n{sumiyoshi_row}");
    assert_eq!(get(&store, None, &format!("/data/compare/group-{first}/2024.csv")).await.status, StatusCode::OK);
    assert!(get(&store, None, "/api/v1/common-indicators").await.body.contains(&format!("group-{first}")));
    // Deciding the same group twice is a conflict.
    let again = post(
        &store,
        Some("admin"),
        "/admin/common",
        &[("members", &members), ("wording", wording), ("decision", "reject")],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
