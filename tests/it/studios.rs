//! Member studios, duty rosters, receptions, photos and the online-studio conversation; and the
//! demo's 2022 Q1 figures, counted from its records.
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use xieshang::demands::store::demand;
use xieshang::studios::store::{self as studios, ReceptionFilter};

use crate::harness::{Client, TestApp};

const CID_CODE: &str = "yuetang";

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, CID_CODE).await.unwrap().unwrap().id
}

async fn studio_id(app: &TestApp, name: &str) -> i64 {
    let cid = committee_id(app).await;
    studios::list(&app.state.db, cid).await.unwrap().into_iter().find(|s| s.name == name).unwrap().id
}

fn q1() -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2022, 3, 31).unwrap())
}

/// Instants bounding Q1 2022 in China time.
fn q1_instants() -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    (Utc.with_ymd_and_hms(2021, 12, 31, 16, 0, 0).unwrap(), Utc.with_ymd_and_hms(2022, 3, 31, 16, 0, 0).unwrap())
}

/// Demands that reached "resolved" in Q1 2022 and came through the given studios.
async fn resolved_in_q1(app: &TestApp, studio_ids: &[i64]) -> u64 {
    let (from, to) = q1_instants();
    demand::Entity::find()
        .filter(demand::Column::StudioId.is_in(studio_ids.to_vec()))
        .filter(demand::Column::ResolvedAt.gte(from))
        .filter(demand::Column::ResolvedAt.lt(to))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_reproduces_the_articles_studio_figures_from_records() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee_id(&app).await;
    let all = studios::list(db, cid).await.unwrap();
    assert_eq!(all.len(), 12, "12 studios");
    let online = all.iter().filter(|s| s.kind == "online").count();
    assert!((1..12).contains(&online), "online and offline studios: {online} online");
    let (from, to) = q1();
    let quarter = ReceptionFilter { from: Some(from), to: Some(to), ..Default::default() };
    let (_, citizens) = studios::reception_totals(db, cid, &quarter).await.unwrap();
    assert!(citizens >= 320, "320+ citizens received in Q1, got {citizens}");
    let ids: Vec<i64> = all.iter().map(|s| s.id).collect();
    let (f, t) = q1_instants();
    let collected = demand::Entity::find()
        .filter(demand::Column::StudioId.is_in(ids.clone()))
        .filter(demand::Column::CreatedAt.gte(f))
        .filter(demand::Column::CreatedAt.lt(t))
        .count(db)
        .await
        .unwrap();
    assert!(collected >= 85, "85+ opinions and demands collected, got {collected}");
    let solved = resolved_in_q1(&app, &ids).await;
    assert!(solved >= 36, "36+ problems solved, got {solved}");

    let wulidui = studio_id(&app, "五里堆委员工作室").await;
    let outings = ReceptionFilter { studio_id: Some(wulidui), from: Some(from), to: Some(to), ..Default::default() };
    let (n, _) = studios::reception_totals(db, cid, &outings).await.unwrap();
    assert_eq!(n, 2, "五里堆 went out twice");
    let (rows, _) = studios::receptions(db, cid, &outings, xieshang::app::pagination::PageRequest { page: 1, per_page: 10 }).await.unwrap();
    let places = xieshang::org::structure::places(db, cid).await.unwrap();
    let mut where_: Vec<String> = rows.iter().map(|r| places.iter().find(|p| Some(p.id) == r.place_id).unwrap().name.clone()).collect();
    where_.sort();
    assert_eq!(where_, ["向阳社区", "江滨社区"]);
    assert_eq!(resolved_in_q1(&app, &[wulidui]).await, 7, "五里堆 solved 7");
    let shuyuan = studio_id(&app, "书院路委员工作室").await;
    assert_eq!(resolved_in_q1(&app, &[shuyuan]).await, 19, "书院路 solved 19");

    // The same figures through the API's group filter and the work page's totals.
    let token = app.token("staff").await;
    let group = all.iter().find(|s| s.id == wulidui).unwrap().group_id.unwrap();
    let res = app.client().get_bearer(&format!("/api/v1/receptions?group={group}&from=2022-01-01&to=2022-03-31"), &token).await;
    assert_eq!(res.json()["total"], 2, "{}", res.text);
    let staff = app.login("staff").await;
    let page = staff.get("/receptions?from=2022-01-01&to=2022-03-31").await;
    assert!(page.text.contains(&format!("<strong>{citizens}</strong>")), "the list shows the computed total");
}

async fn create_studio(staff: &Client, fields: &[(&str, &str)]) -> crate::harness::Response {
    staff.post_form("/studios", fields).await
}

#[tokio::test]
async fn staff_keep_studios_and_rosters_and_the_public_sees_who_is_on_duty() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let cid = committee_id(&app).await;
    let member_ids: Vec<i64> = xieshang::org::members::all(&app.state.db, cid, &Default::default()).await.unwrap().iter().take(3).map(|m| m.id).collect();
    let (a, b) = (member_ids[0].to_string(), member_ids[1].to_string());

    let bad = create_studio(&staff, &[("name", "社区委员工作室"), ("kind", "offline"), ("address", ""), ("hours", "11:00-9:00"), ("month_days", "35")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("此项为必填项") && bad.text.contains("09:00-11:30") && bad.text.contains("1至31"), "errors name the fields");
    let before = app.count("studios").await;
    let dup = create_studio(&staff, &[("name", "书院路委员工作室"), ("kind", "online")]).await;
    assert!(dup.text.contains("已存在"), "names are unique per committee");
    assert_eq!(app.count("studios").await, before, "nothing written");
    assert_eq!(app.login("member").await.post_form("/studios", &[("name", "x"), ("kind", "online")]).await.status, StatusCode::FORBIDDEN);

    let ok = create_studio(
        &staff,
        &[("name", "滴水湖委员工作室"), ("kind", "offline"), ("address", "滴水湖社区服务中心"), ("hours", "14:30-17:00"), ("weekdays", "2"), ("weekdays", "4"), ("month_days", "15"), ("member_ids", &a), ("member_ids", &b)],
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let id: i64 = ok.location().rsplit('/').next().unwrap().parse().unwrap();
    let detail = staff.get(&format!("/studios/{id}")).await.text;
    assert!(detail.contains("每周二、周四；每月15日") && detail.contains("未排班"), "schedule described, roster empty");

    // Duty on the next scheduled day; only the studio's members may be put on it.
    let s = studios::find(&app.state.db, cid, id).await.unwrap().unwrap();
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let next = s.reception_days().dates_between(today, today + chrono::Duration::days(14))[0].to_string();
    let outsider = member_ids[2].to_string();
    let refused = staff.post_form(&format!("/studios/{id}/duty"), &[("day", &next), ("member_ids", &outsider)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = staff.post_form(&format!("/studios/{id}/duty"), &[("day", &next), ("member_ids", &a)]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let name_a = xieshang::org::members::find(&app.state.db, cid, member_ids[0]).await.unwrap().unwrap().name;

    let citizen = app.client();
    let public = citizen.get(&format!("/c/yuetang/studios/{id}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.text.contains(&next) && public.text.contains(&name_a) && public.text.contains(&format!("/c/yuetang/demands/new?studio={id}")));
    let ics = citizen.get(&format!("/c/yuetang/studios/{id}/duty.ics")).await;
    assert!(ics.text.starts_with("BEGIN:VCALENDAR\r\n") && ics.text.contains(&format!("DTSTART;TZID=Asia/Shanghai:{}T143000", next.replace('-', ""))), "{}", ics.text);
    assert!(ics.text.contains(&name_a));
    let feed = citizen.get(&format!("/c/yuetang/members/{}/duty.ics", member_ids[0])).await;
    assert!(feed.text.contains("滴水湖委员工作室 值班") && feed.text.contains("END:VCALENDAR"), "{}", feed.text);

    let poster = staff.get(&format!("/studios/{id}/poster")).await;
    assert!(poster.text.contains("<svg") && poster.text.contains(&format!("/c/yuetang/studios/{id}")), "A4 poster with its QR code");

    // The empty days are filled by rotation; the day set by hand stays as it was.
    let filled = staff.post_form(&format!("/studios/{id}/rotation"), &[]).await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER);
    let roster = studios::roster(&app.state.db, id, today, today + chrono::Duration::weeks(8) - chrono::Duration::days(1)).await.unwrap();
    let scheduled = s.reception_days().dates_between(today, today + chrono::Duration::weeks(8) - chrono::Duration::days(1));
    assert!(scheduled.iter().all(|d| roster.get(d).is_some_and(|m| !m.is_empty())), "every reception day has someone on duty");
    assert_eq!(roster[&NaiveDate::parse_from_str(&next, "%Y-%m-%d").unwrap()], vec![member_ids[0]]);
    assert!(roster.values().flatten().all(|m| member_ids[..2].contains(m)), "only the studio's members");

    // Retired studios leave the public pages.
    staff.post_form(&format!("/studios/{id}/retired"), &[("retired", "true")]).await;
    assert_eq!(citizen.get(&format!("/c/yuetang/studios/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(!citizen.get("/c/yuetang/studios").await.text.contains("滴水湖委员工作室"));
}

/// A valid 1×1 PNG with a text chunk holding a secret, so the test can see it stripped.
fn png_with_text(secret: &str) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    chunk(&mut out, b"tEXt", format!("Comment\0{secret}").as_bytes());
    // zlib stream of one scanline: filter byte 0 and one RGBA pixel.
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn concern_parts<'a>(studio: &'a str, photos: &'a [(&'a str, &'a [u8])]) -> Vec<(&'a str, Option<&'a str>, &'a [u8])> {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("name", None, "赵春梅".as_bytes()),
        ("phone", None, b"13712345678"),
        ("kind", None, b"problem"),
        ("category", None, "社区服务".as_bytes()),
        ("description", None, "楼道灯坏了一个月，晚上上下楼很危险".as_bytes()),
        ("studio_id", None, studio.as_bytes()),
        ("website", None, b""),
    ];
    for (file, bytes) in photos {
        parts.push(("photos", Some(file), bytes));
    }
    parts
}

#[tokio::test]
async fn photos_are_checked_stripped_and_shown_only_to_those_who_may_see_them() {
    let app = TestApp::demo().await;
    let citizen = app.client();
    let studio = studio_id(&app, "书院路委员工作室").await.to_string();
    let before = app.count("demands").await;

    let text: &[u8] = b"not an image at all";
    let res = citizen.post_multipart("/c/yuetang/demands", &concern_parts(&studio, &[("note.jpg", text)])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("只能上传 JPG、PNG 或 WebP 格式的图片"), "{}", res.text);
    let png = png_with_text("GPS-SECRET-28.1N");
    let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("p.png", png.as_slice())).collect();
    let res = citizen.post_multipart("/c/yuetang/demands", &concern_parts(&studio, &six)).await;
    assert!(res.text.contains("最多上传5张照片"));
    assert_eq!(app.count("demands").await, before, "refused forms write nothing");
    assert_eq!(app.count("attachments").await, 0);

    let res = citizen.post_multipart("/c/yuetang/demands", &concern_parts(&studio, &[("photo.png", png.as_slice())])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let start = res.text.find("id=\"tracking-code\">").unwrap() + "id=\"tracking-code\">".len();
    let code = res.text[start..start + 8].to_string();
    let d = demand::Entity::find().filter(demand::Column::Code.eq(code.clone())).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(d.studio_id.map(|s| s.to_string()), Some(studio.clone()), "the studio the citizen came through");
    let stored = xieshang::tracking::attachments::list(&app.state.db, "demand", d.id).await.unwrap();
    assert_eq!(stored.len(), 1);

    // Staff see the photo, without its text chunk; a unit that was not given the demand does not.
    let staff = app.login("staff").await;
    let (status, bytes) = staff.get_bytes(&format!("/demands/{}/photos/{}", d.id, stored[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"\x89PNG") && !bytes.windows(10).any(|w| w == b"GPS-SECRET"), "metadata stripped");
    let (status, _) = app.login("unit").await.get_bytes(&format!("/demands/{}/photos/{}", d.id, stored[0].id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The citizen sees it on the status page through an unguessable address.
    let track = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code), ("last4", "5678")]).await.text;
    let src_start = track.find("/c/yuetang/photos/").expect("photo on the status page");
    let src: String = track[src_start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(citizen.get_bytes(&src).await.0, StatusCode::OK);
    // Change the token's last character (to one it is not: a random token may end in 0).
    let last = if src.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &src[..src.len() - 1]);
    assert_eq!(citizen.get_bytes(&forged).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn members_on_duty_record_receptions_register_concerns_and_talk_with_citizens() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let own = studio_id(&app, "书院路委员工作室").await.to_string();
    let other = studio_id(&app, "五里堆委员工作室").await.to_string();
    let cid = committee_id(&app).await;
    let me = xieshang::org::members::linked_to(&app.state.db, xieshang::org::store::find_user_by_username(&app.state.db, "member").await.unwrap().unwrap().id)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();

    let refused = member.post_form("/receptions", &[("studio_id", &other), ("held_on", &tomorrow), ("citizens_received", "x"), ("member_ids", &me)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("请选择有效") && refused.text.contains("不能晚于今天") && refused.text.contains("0至500"));
    let ok = member.post_form("/receptions", &[("studio_id", &own), ("held_on", &today.to_string()), ("citizens_received", "6"), ("member_ids", &me), ("notes", "居民反映停车难")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let reception: i64 = ok.location().rsplit('/').next().unwrap().parse().unwrap();

    // The concern registered during the reception is tied to it and to the studio.
    let form = member.get(&format!("/demands/new?reception={reception}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let res = member
        .post_form_data(
            "/demands",
            &[("channel", "studio"), ("studio_id", &own), ("reception_id", &reception.to_string()), ("name", "钱立新"), ("phone", "13611112222"), ("kind", "problem"), ("category", "交通出行"), ("description", "小区周边停车位不足，晚上乱停车堵路")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id: i64 = res.location().rsplit('/').next().unwrap().parse().unwrap();
    let d = xieshang::demands::store::find(&app.state.db, cid, id).await.unwrap().unwrap();
    assert_eq!((d.reception_id, d.studio_id.map(|s| s.to_string())), (Some(reception), Some(own.clone())));
    assert!(member.get(&format!("/receptions/{reception}")).await.text.contains(&d.code));
    let elsewhere = member.post_form_data("/demands", &[("channel", "studio"), ("studio_id", &other), ("name", "钱立新"), ("phone", "13611112222"), ("kind", "problem"), ("category", "交通出行"), ("description", "另一个工作室的事情")]).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY, "a member registers only at its own studios");

    // The member sees it (phone masked) and writes to the citizen; the citizen answers.
    let detail = member.get(&format!("/demands/{id}")).await.text;
    assert!(detail.contains("136****2222") && !detail.contains("13611112222"));
    let sent = member.post_form(&format!("/demands/{id}/messages"), &[("message", "已联系社区，下周现场查看")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let citizen = app.client();
    let page = citizen.post_form("/c/yuetang/track", &[("tracking_code", &d.code), ("last4", "2222"), ("message", "好的，谢谢，周二上午家里有人")]).await;
    assert!(page.text.contains("已联系社区，下周现场查看") && page.text.contains("周二上午家里有人"), "{}", page.text);
    assert!(!page.text.contains("政协委员 "), "the public sees roles, not account names");
    let empty = citizen.post_form("/c/yuetang/track", &[("tracking_code", &d.code), ("last4", "2222"), ("message", &"长".repeat(1001))]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("demand_messages").await - 2, count_demo_messages(&app).await);

    // Not a demand of its studios: not found.
    let foreign = demand::Entity::find().filter(demand::Column::StudioId.eq(other.parse::<i64>().unwrap())).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(member.get(&format!("/demands/{}", foreign.id)).await.status, StatusCode::NOT_FOUND);
}

async fn count_demo_messages(app: &TestApp) -> i64 {
    use xieshang::demands::store::message;
    let code_of_new: Vec<i64> = demand::Entity::find().filter(demand::Column::CitizenName.eq("钱立新")).all(&app.state.db).await.unwrap().iter().map(|d| d.id).collect();
    message::Entity::find().filter(message::Column::DemandId.is_not_in(code_of_new)).count(&app.state.db).await.unwrap() as i64
}

#[tokio::test]
async fn categories_are_a_committee_setting() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let res = staff.post_form("/org/categories", &[("name", "养老服务")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let citizen = app.client();
    assert!(citizen.get("/c/yuetang/demands/new").await.text.contains("养老服务"));
    let cid = committee_id(&app).await;
    let other = xieshang::org::structure::categories(&app.state.db, cid).await.unwrap().into_iter().find(|c| c.name == "其他").unwrap();
    staff.post_form(&format!("/org/categories/{}/retired", other.id), &[("retired", "true")]).await;
    let res = citizen
        .post_form_data("/c/yuetang/demands", &[("name", "孙丽华"), ("phone", "13900002222"), ("kind", "problem"), ("category", "其他"), ("description", "一个不再提供的分类")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a retired category is no longer offered");
}

#[tokio::test]
async fn the_api_lists_studios_and_moves_demands_through_their_life_cycle() {
    let app = TestApp::demo().await;
    let staff = app.token("staff").await;
    let c = app.client();
    let res = c.get_bearer("/api/v1/studios", &staff).await;
    assert_eq!(res.json()["total"], 12);
    let studio = studio_id(&app, "书院路委员工作室").await;
    let res = c.get_bearer(&format!("/api/v1/demands?studio={studio}&status=registered"), &staff).await;
    assert_eq!(res.status, StatusCode::OK);
    let res = c.get_bearer("/api/v1/demands?studio=abc", &staff).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A fresh concern: assign by API, answered by the unit, refused moves named.
    let citizen = app.client();
    citizen
        .post_form_data("/c/yuetang/demands", &[("name", "周建国"), ("phone", "13800005555"), ("kind", "problem"), ("category", "城市管理"), ("description", "人行道地砖松动，下雨天踩上去溅水")])
        .await;
    let d = demand::Entity::find().filter(demand::Column::CitizenName.eq("周建国")).one(&app.state.db).await.unwrap().unwrap();
    let unit_user = xieshang::org::store::find_user_by_username(&app.state.db, "unit").await.unwrap().unwrap();
    let unit = app.token("unit").await;
    let path = format!("/api/v1/demands/{}/actions", d.id);
    let res = c.post_json(&path, r#"{"action":"answer","text":"已修复"}"#, Some(&unit)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not the unit's yet");
    let res = c.post_json(&path, r#"{"action":"convert","text":"转提案"}"#, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a conversion names what it becomes");
    let body = format!(r#"{{"action":"assign","unit_id":{},"deadline":"2030-01-31"}}"#, unit_user.unit_id.unwrap());
    let res = c.post_json(&path, &body, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["state"], "assigned");
    let res = c.post_json(&path, r#"{"action":"confirm_resolved"}"#, Some(&unit)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = c.post_json(&path, r#"{"action":"answer","text":"已更换松动地砖"}"#, Some(&unit)).await;
    assert_eq!(res.json()["state"], "answered", "{}", res.text);
    let res = c.post_json(&path, r#"{"action":"answer","text":"again"}"#, Some(&unit)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.json()["fields"][0]["message"], "当前状态下不能进行此操作", "{}", res.text);
    let doc = c.get("/api/openapi.json").await.json();
    for p in ["/api/v1/studios", "/api/v1/receptions", "/api/v1/demands/{id}/actions"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
}
