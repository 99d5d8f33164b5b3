//! The page shell: language, navigation for the actor's role, flash messages, error pages, and
//! the extractors page handlers start from.
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, may};
use crate::app::error::{AppError, ErrorMark};
use crate::app::i18n::Lang;
use crate::app::web::{self, FLASH_COOKIE, RequestInfo};

/// One entry of the navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub active: bool,
}

#[derive(Clone, Debug)]
pub struct Flash {
    pub ok: bool,
    pub key: &'static str,
}

/// What the base template needs on every page.
#[derive(Clone, Debug)]
pub struct Shell {
    pub lang: Lang,
    pub actor: Option<Actor>,
    pub nav: Vec<NavItem>,
    pub flash: Option<Flash>,
    pub path: String,
}

impl Shell {
    pub fn new(info: &RequestInfo, flash: Option<Flash>) -> Self {
        let nav = info.actor.as_ref().map(|a| nav_for(a, &info.path)).unwrap_or_default();
        Shell { lang: info.lang, actor: info.actor.clone(), nav, flash, path: info.path.clone() }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The role's name of the logged-in user.
    pub fn role_label(&self) -> &'static str {
        self.actor.as_ref().map(|a| self.t(a.role.label_key())).unwrap_or("")
    }

    /// The language switch link keeps the user on the same page.
    pub fn other_lang_href(&self) -> String {
        let code = if self.lang == Lang::Zh { "en" } else { "zh" };
        format!("/lang/{code}?back={}", web::urlencode(&self.path))
    }
}

fn nav_for(actor: &Actor, path: &str) -> Vec<NavItem> {
    let own = Target::own(actor);
    let entries: [(&str, &str, Option<Action>); 20] = [
        ("/", "nav.home", None),
        ("/demands", "nav.demands", Some(Action::ViewDemands)),
        ("/proposals", "nav.proposals", Some(Action::ViewProposals)),
        ("/consultations", "nav.consultations", Some(Action::ViewConsultations)),
        ("/opinion-reports", "nav.opinions", Some(Action::ViewOpinionReports)),
        ("/studios", "nav.studios", Some(Action::ViewStudios)),
        ("/receptions", "nav.receptions", Some(Action::ViewStudios)),
        ("/visits", "nav.visits", Some(Action::ViewVisits)),
        ("/activities", "nav.activities", Some(Action::ViewActivities)),
        ("/liaison", "nav.liaison", Some(Action::ViewLiaison)),
        ("/projects", "nav.projects", Some(Action::ViewProjects)),
        ("/research-reports", "nav.research", Some(Action::ViewResearchReports)),
        ("/exchange", "nav.exchange", Some(Action::ViewExchange)),
        ("/stats", "nav.stats", Some(Action::ViewStats)),
        ("/evaluation", "nav.evaluation", Some(Action::ViewDutyFile)),
        ("/members", "nav.members", Some(Action::ViewMembers)),
        ("/org/sectors", "nav.catalogs", Some(Action::ManageCatalogs)),
        ("/users", "nav.users", Some(Action::ViewUsers)),
        ("/committees", "nav.committees", Some(Action::EditCommittee)),
        ("/audit", "nav.audit", Some(Action::ViewAuditLog)),
    ];
    entries
        .into_iter()
        .filter(|(_, _, action)| action.is_none_or(|a| may(actor, a, &own)))
        .map(|(href, key, _)| NavItem {
            href,
            key,
            active: match href {
                "/" => path == "/",
                "/org/sectors" => path.starts_with("/org/"),
                _ => path.starts_with(href),
            },
        })
        .collect()
}

/// The request context of any page: who asks, in which language, and the flash message.
pub struct Ctx {
    pub info: RequestInfo,
    pub shell: Shell,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("identify middleware missing")))?;
        let flash = web::cookie(&parts.headers, FLASH_COOKIE).and_then(|v| parse_flash(&v));
        let shell = Shell::new(&info, flash);
        Ok(Ctx { info, shell })
    }
}

/// A page for logged-in users only; anonymous visitors are sent to the login page.
pub struct Authed {
    pub actor: Actor,
    pub ctx: Ctx,
}

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let actor = ctx.info.actor.clone().ok_or(AppError::Unauthorized)?;
        Ok(Authed { actor, ctx })
    }
}

/// Flash messages travel in a cookie as `ok:KEY` or `err:KEY`; only known keys are shown.
fn parse_flash(v: &str) -> Option<Flash> {
    let (kind, key) = v.split_once(':')?;
    let key = crate::app::i18n::all_messages().find(|(k, _, _)| *k == key && k.starts_with("flash."))?.0;
    Some(Flash { ok: kind == "ok", key })
}

/// Redirects (303) and shows `key` on the next page.
pub fn redirect_with_flash(info: &RequestInfo, to: &str, key: &'static str) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().append(header::SET_COOKIE, web::set_cookie(FLASH_COOKIE, &format!("ok:{key}"), Some(60), info.secure));
    res
}

/// Renders a template into an HTML response.
pub fn html<T: Template>(t: &T) -> Result<Response, AppError> {
    let body = t.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(body).into_response())
}

/// A time in China Standard Time, as committees read it.
pub fn local_time(t: &DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// The China Standard Time date of an instant: the day deadlines and reception days count.
pub fn local_date(t: &DateTime<Utc>) -> chrono::NaiveDate {
    (*t + chrono::Duration::hours(8)).date_naive()
}

/// The first instant of a China Standard Time date: where a day of the committees' local time
/// begins for timestamps (a period's `from..=to` is `day_start(from)..day_start(to + 1)`).
pub fn day_start(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - chrono::Duration::hours(8)
}

/// Today in China Standard Time.
pub fn today() -> chrono::NaiveDate {
    local_date(&Utc::now())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    status: u16,
    headline: &'static str,
    detail: Option<String>,
    fields: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "error_partial.html")]
struct ErrorPartial {
    headline: &'static str,
    fields: Vec<(&'static str, &'static str)>,
}

/// The error page in the user's language (a fragment for htmx requests).
pub fn error_page(info: &RequestInfo, status: StatusCode, mark: &ErrorMark) -> Response {
    let shell = Shell::new(info, None);
    let headline = shell.t(web::error_key(status, mark));
    let fields = mark.fields.iter().map(|f| (f.field, shell.t(f.key))).collect();
    let rendered = if info.htmx {
        ErrorPartial { headline, fields }.render()
    } else {
        ErrorPage { shell, status: status.as_u16(), headline, detail: mark.detail.clone(), fields }.render()
    };
    let mut res = match rendered {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            headline.to_string().into_response()
        }
    };
    if info.htmx {
        // htmx swaps only 2xx responses by default; retarget the fragment to the message area.
        res.headers_mut().insert("hx-retarget", HeaderValue::from_static("#messages"));
        res.headers_mut().insert("hx-reswap", HeaderValue::from_static("innerHTML"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::Role;

    fn actor(role: Role) -> Actor {
        Actor { user_id: 1, committee_id: 1, username: "x".into(), display_name: "x".into(), role, unit_id: None }
    }

    #[test]
    fn navigation_fits_the_role() {
        let hrefs = |r| nav_for(&actor(r), "/users").into_iter().map(|n| n.href).collect::<Vec<_>>();
        assert_eq!(hrefs(Role::Admin), ["/", "/demands", "/proposals", "/consultations", "/opinion-reports", "/studios", "/receptions", "/visits", "/activities", "/liaison", "/projects", "/research-reports", "/exchange", "/stats", "/evaluation", "/members", "/org/sectors", "/users", "/committees"]);
        assert_eq!(hrefs(Role::Staff), ["/", "/demands", "/proposals", "/consultations", "/opinion-reports", "/studios", "/receptions", "/visits", "/activities", "/liaison", "/projects", "/research-reports", "/exchange", "/stats", "/evaluation", "/members", "/org/sectors"]);
        assert_eq!(hrefs(Role::Leader), ["/", "/demands", "/proposals", "/consultations", "/opinion-reports", "/studios", "/receptions", "/visits", "/activities", "/liaison", "/projects", "/research-reports", "/exchange", "/stats", "/evaluation", "/members"]);
        assert_eq!(hrefs(Role::Unit), ["/", "/demands", "/proposals", "/consultations", "/members"]);
        assert_eq!(hrefs(Role::Auditor), ["/", "/audit"]);
        assert_eq!(hrefs(Role::Member), ["/", "/demands", "/proposals", "/consultations", "/opinion-reports", "/studios", "/receptions", "/visits", "/activities", "/liaison", "/projects", "/research-reports", "/exchange", "/evaluation", "/members"]);
        assert!(nav_for(&actor(Role::Member), "/visits/field-days").iter().any(|n| n.href == "/visits" && n.active));
        assert!(nav_for(&actor(Role::Admin), "/users").iter().any(|n| n.href == "/users" && n.active));
    }

    #[test]
    fn flash_cookie_only_shows_known_keys() {
        assert_eq!(parse_flash("ok:flash.logged_out").map(|f| f.key), Some("flash.logged_out"));
        assert!(parse_flash("ok:<script>").is_none());
        assert!(parse_flash("ok:err.locked").is_none());
        assert!(!parse_flash("err:flash.logged_out").unwrap().ok);
    }

    #[test]
    fn times_are_shown_in_china_time() {
        let t = DateTime::parse_from_rfc3339("2022-04-19T01:04:02Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_time(&t), "2022-04-19 09:04");
    }
}
