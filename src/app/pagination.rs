//! Page requests (`?page=&per_page=`) and the `{"items": [...], "total": N}` collection shape.
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 200;

/// A validated page request; `page` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

/// The raw query parameters, as text so that a bad value can be named instead of rejected
/// wholesale by the extractor.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page, 1–200 (default 20).
    pub per_page: Option<String>,
}

impl PageRequest {
    pub fn parse(q: &PageQuery) -> Result<Self, FieldError> {
        let page = parse_positive(q.page.as_deref(), 1).ok_or(FieldError::new("page", "err.page"))?;
        let per_page = parse_positive(q.per_page.as_deref(), DEFAULT_PER_PAGE)
            .filter(|&n| n <= MAX_PER_PAGE)
            .ok_or(FieldError::new("per_page", "err.per_page"))?;
        Ok(PageRequest { page, per_page })
    }

    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }

    pub fn limit(self) -> u64 {
        self.per_page
    }
}

fn parse_positive(s: Option<&str>, default: u64) -> Option<u64> {
    match s.map(str::trim) {
        None | Some("") => Some(default),
        Some(s) => s.parse::<u64>().ok().filter(|&n| (1..=1_000_000).contains(&n)),
    }
}

/// A JSON collection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// What a list page needs to draw "previous / next".
#[derive(Clone, Debug)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// The current query string without `page`, so links keep the filters.
    pub base_query: String,
}

impl Pager {
    pub fn new(req: PageRequest, total: u64, base_query: String) -> Self {
        Pager { page: req.page, pages: total.div_ceil(req.per_page).max(1), total, base_query }
    }

    pub fn prev_href(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    pub fn next_href(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.href(self.page + 1))
    }

    fn href(&self, page: u64) -> String {
        if self.base_query.is_empty() { format!("?page={page}") } else { format!("?{}&page={page}", self.base_query) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: Option<&str>, per_page: Option<&str>) -> PageQuery {
        PageQuery { page: page.map(Into::into), per_page: per_page.map(Into::into) }
    }

    #[test]
    fn page_requests_are_validated() {
        assert_eq!(PageRequest::parse(&q(None, None)).unwrap(), PageRequest { page: 1, per_page: 20 });
        assert_eq!(PageRequest::parse(&q(Some("3"), Some("50"))).unwrap().offset(), 100);
        assert_eq!(PageRequest::parse(&q(Some("0"), None)).unwrap_err().field, "page");
        assert_eq!(PageRequest::parse(&q(Some("x"), None)).unwrap_err().field, "page");
        assert_eq!(PageRequest::parse(&q(None, Some("201"))).unwrap_err().field, "per_page");
    }

    #[test]
    fn pager_links_keep_filters() {
        let p = Pager::new(PageRequest { page: 2, per_page: 10 }, 35, "actor=admin".into());
        assert_eq!(p.pages, 4);
        assert_eq!(p.prev_href().unwrap(), "?actor=admin&page=1");
        assert_eq!(p.next_href().unwrap(), "?actor=admin&page=3");
        let last = Pager::new(PageRequest { page: 1, per_page: 10 }, 0, String::new());
        assert_eq!((last.pages, last.prev_href(), last.next_href()), (1, None, None));
    }
}
