//! The concern form shared by citizens (public, with photos) and by staff and members on duty:
//! reading the multipart body, and parsing it into a `NewDemand` and cleaned photos.
use axum::extract::Multipart;
use serde::Deserialize;

use crate::app::error::{AppError, FieldError};
use crate::app::forms::Check;
use crate::demands::model::{Channel, DemandKind};
use crate::demands::store::NewDemand;
use crate::org::model::parse_name;
use crate::org::values::{Phone, normalize_text};
use crate::tracking::photos::{self, CleanImage, MAX_PHOTO_BYTES, MAX_PHOTOS};

/// The largest body a form with photos may send: every photo at its limit plus the text.
pub const PHOTO_FORM_LIMIT: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DemandForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    /// A field people never see: bots fill it in.
    #[serde(default)]
    pub website: String,
    /// Entry by staff or a member: how the concern came in (the public form is always "online").
    #[serde(default)]
    pub channel: String,
    /// The studio it came through: chosen on entry, or the online studio whose page the citizen came from.
    #[serde(default)]
    pub studio_id: String,
    /// The reception session it was registered at.
    #[serde(default)]
    pub reception_id: String,
}

/// One uploaded file, before it is checked.
pub struct Upload {
    pub bytes: Vec<u8>,
}

/// Reads a multipart form: text fields into a `DemandForm`, files of field `photos` as uploads
/// (an empty file input sends an empty part, which is skipped).
pub async fn read_multipart(mut mp: Multipart) -> Result<(DemandForm, Vec<Upload>), AppError> {
    let bad = |_| AppError::BadRequest("multipart".into());
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut uploads = Vec::new();
    while let Some(part) = mp.next_field().await.map_err(bad)? {
        let name = part.name().unwrap_or_default().to_string();
        if name == "photos" {
            let bytes = part.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                uploads.push(Upload { bytes: bytes.to_vec() });
            }
        } else {
            fields.push((name, part.text().await.map_err(bad)?));
        }
    }
    let encoded = serde_urlencoded::to_string(&fields).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let form = serde_urlencoded::from_str(&encoded).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok((form, uploads))
}

/// Checks and cleans the photos; the error names the field and the first problem.
pub fn clean_photos(uploads: &[Upload]) -> Result<Vec<CleanImage>, FieldError> {
    if uploads.len() > MAX_PHOTOS {
        return Err(FieldError::new("photos", "err.photo_count"));
    }
    uploads.iter().map(|u| photos::clean(&u.bytes).map_err(|e| FieldError::new("photos", e.key()))).collect()
}

/// What the form is checked against: the committee's places and active categories, and the
/// studios and receptions the sender may name.
pub struct Choices<'a> {
    pub places: &'a [i64],
    pub categories: &'a [String],
    pub studios: &'a [i64],
    pub receptions: &'a [i64],
}

impl DemandForm {
    /// Parses the form into a demand that came in through `channel`.
    pub fn parse(&self, c: &Choices, channel: Channel) -> Result<NewDemand, Vec<FieldError>> {
        let mut check = Check::default();
        let name = check.take(parse_name("name", &normalize_text(&self.name), 32));
        let phone = check.take(Phone::parse("phone", &self.phone));
        let place_id = check.take(crate::app::forms::choice("place_id", &self.place_id, c.places)).flatten();
        let category = check.take(c.categories.iter().find(|x| **x == self.category.trim()).ok_or(FieldError::new("category", "err.choice")));
        let kind = check.take(DemandKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let studio_id = check.take(crate::app::forms::choice("studio_id", &self.studio_id, c.studios)).flatten();
        let reception_id = check.take(crate::app::forms::choice("reception_id", &self.reception_id, c.receptions)).flatten();
        let description = self.description.trim();
        if !(5..=2000).contains(&description.chars().count()) {
            check.add(FieldError::new("description", "err.description"));
        }
        match (name, phone, category, kind, check.is_ok()) {
            (Some(name), Some(phone), Some(category), Some(kind), true) => Ok(NewDemand {
                kind,
                channel,
                category: category.clone(),
                place_id,
                description: description.to_string(),
                citizen_name: name,
                citizen_phone: phone.as_str().to_string(),
                studio_id,
                reception_id,
            }),
            _ => Err(check.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DemandForm {
        DemandForm {
            name: "王小明".into(),
            phone: "13800138000".into(),
            category: "交通出行".into(),
            kind: "problem".into(),
            description: "友谊小学门口需要减速带".into(),
            studio_id: "4".into(),
            ..Default::default()
        }
    }

    fn choices<'a>(categories: &'a [String]) -> Choices<'a> {
        Choices { places: &[1], categories, studios: &[4], receptions: &[9] }
    }

    #[test]
    fn a_concern_parses_with_its_studio() {
        let cats = vec!["交通出行".to_string()];
        let d = form().parse(&choices(&cats), Channel::Online).unwrap();
        assert_eq!((d.studio_id, d.reception_id, d.category.as_str()), (Some(4), None, "交通出行"));
    }

    #[test]
    fn a_foreign_studio_reception_or_retired_category_is_refused_by_name() {
        let cats = vec!["教育".to_string()];
        let mut f = form();
        f.studio_id = "5".into();
        f.reception_id = "8".into();
        let fields: Vec<_> = f.parse(&choices(&cats), Channel::Studio).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["category", "studio_id", "reception_id"]);
    }

    #[test]
    fn more_than_five_photos_or_a_non_image_is_refused() {
        let six: Vec<Upload> = (0..6).map(|_| Upload { bytes: vec![1] }).collect();
        assert_eq!(clean_photos(&six).unwrap_err().key, "err.photo_count");
        let text = [Upload { bytes: b"hello, not a photo".to_vec() }];
        assert_eq!(clean_photos(&text).unwrap_err().key, "err.photo_type");
        assert!(clean_photos(&[]).unwrap().is_empty());
    }
}
