//! The area's script and styles, served by its router (the page's policy allows scripts and
//! styles from this origin only, never inline). The script counts a body's characters as the
//! server does (code points, a line break as one) and only improves the form: the server
//! enforces the limit.
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const SCRIPT: &str = r#"// 社情民意: a live character count on the report's text, and the form's fields that fit the kind.
(function () {
  "use strict";
  function count(area) {
    var max = parseInt(area.getAttribute("data-count-max"), 10);
    var n = Array.from(area.value.replace(/\r\n?/g, "\n").trim()).length;
    var out = document.getElementById(area.getAttribute("data-count-out"));
    if (out) { out.textContent = n + " / " + max; out.classList.toggle("over", n > max); }
    area.setCustomValidity(n > max ? area.getAttribute("data-count-message") : "");
  }
  function fit(form) {
    var checked = form.querySelector("input[name=submitter_kind]:checked");
    if (!checked) { return; }
    form.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-show-for").split(" ").indexOf(checked.value) < 0;
    });
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("textarea[data-count-max]")) { count(e.target); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[name=submitter_kind]")) { fit(e.target.form); }
  });
  function start() {
    document.querySelectorAll("textarea[data-count-max]").forEach(count);
    document.querySelectorAll("form[data-kinds]").forEach(fit);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
"#;

const STYLE: &str = r#"/* 社情民意 (templates/opinions): the character count, the original beside the adopted text
   with the changes marked, outcome tags, and the bulletin's masthead. */
.count { display: block; text-align: right; font-size: .85rem; color: var(--muted); font-variant-numeric: tabular-nums; margin-top: -.2rem; }
.count.over { color: var(--bad); font-weight: 700; }
.texts { display: grid; gap: .8rem; margin-bottom: 1rem; }
.texts > section { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .8rem; min-width: 0; }
.texts h3 { margin: 0 0 .4rem; font-size: 1rem; }
.texts h4 { margin: 0 0 .3rem; font-size: 1rem; }
@media (min-width: 800px) { .texts.two { grid-template-columns: 1fr 1fr; } }
.diff { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.9; margin: 0; }
.diff del { background: var(--bad-bg); color: var(--bad); text-decoration: line-through; }
.diff ins { background: var(--ok-bg); color: var(--ok); text-decoration: underline; text-underline-offset: 3px; }
.outcome-tags { display: flex; flex-wrap: wrap; gap: .35rem; margin: 0 0 .8rem; }
.outcome-tags .tag { font-size: .95rem; padding: .1rem .7rem; }
.tag.up { background: #fde8d7; color: #8a3b12; }
.tag.note { background: var(--info-bg); color: #234a7a; }
.state-line { margin: -.4rem 0 .8rem; }
.screen-forms { display: grid; gap: 1rem; }
@media (min-width: 900px) { .screen-forms { grid-template-columns: 2fr 1fr; align-items: start; } }
.screen-forms form { margin: 0; }
.pick { display: flex; flex-direction: column; gap: .4rem; }
.pick label.check { align-items: flex-start; border: 1px solid var(--line); border-radius: 8px; padding: .5rem .6rem; }
.pick label.check input { margin-top: .25rem; }
.bulletin-head { text-align: center; color: var(--red); font-size: 2rem; font-weight: 700; letter-spacing: .4em; margin: .2rem 0 0; }
.bulletin-no { text-align: center; margin: .1rem 0; }
.bulletin-meta { display: flex; justify-content: space-between; flex-wrap: wrap; gap: .3rem 1rem; border-bottom: 2px solid var(--red); padding-bottom: .4rem; margin-bottom: 1rem; color: var(--muted); font-size: .92rem; }
.bulletin-report { border-bottom: 1px dashed var(--line); padding-bottom: .8rem; margin-bottom: .8rem; }
.bulletin-report h2 { text-align: center; margin: .4rem 0; }
.bulletin-report .by { text-align: right; color: var(--muted); margin: .3rem 0 0; }
[data-show-for][hidden] { display: none !important; }
#opinion-body { margin-bottom: 1rem; }
.hint + .toolbar, .hint + .roster { margin-top: .6rem; }
.screen-forms .btns { align-items: center; }
.totals.opinion-figures { display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
"#;

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The pages link them with the version in the query, so a release is picked up at once.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    res
}

pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}
