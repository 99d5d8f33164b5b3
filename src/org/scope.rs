//! The scope of a dashboard figure (DOMAIN.md, Metrics) as the areas' lists take it, so that the
//! list a figure links to holds exactly the records the figure counts: a group's, studio's or
//! sector's items are those of its members (past members too: their records still count), a
//! place's those there or at a place below it, a group's studio items those of the studios the
//! group (or a group below it) runs. `stats::metrics` resolves its scopes the same way.
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::app::error::FieldError;
use crate::app::forms::Lenient;
use crate::org::members::{self, MemberFilter, member};
use crate::org::structure::{self, with_below};

/// The `group`, `studio`, `place` and `sector` a list was asked for, checked against the
/// committee's catalogues (each as the chosen id with those below it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListScope {
    pub group_ids: Option<Vec<i64>>,
    pub studio_id: Option<i64>,
    pub place_ids: Option<Vec<i64>>,
    pub sector_id: Option<i64>,
}

impl ListScope {
    /// Reads the four filters; each unknown id is named and left out.
    pub async fn parse(db: &impl ConnectionTrait, committee_id: i64, group: &str, studio: &str, place: &str, sector: &str) -> Result<(ListScope, Vec<FieldError>), DbErr> {
        let mut l = Lenient::default();
        // Only the catalogues asked about are read.
        let groups: Vec<(i64, Option<i64>)> = if group.trim().is_empty() { vec![] } else { structure::groups(db, committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect() };
        let places: Vec<(i64, Option<i64>)> = if place.trim().is_empty() { vec![] } else { structure::places(db, committee_id).await?.into_iter().map(|p| (p.id, p.parent_id)).collect() };
        let studios: Vec<(i64, Option<i64>)> = if studio.trim().is_empty() { vec![] } else { crate::studios::store::list(db, committee_id).await?.into_iter().map(|s| (s.id, None)).collect() };
        let sectors: Vec<(i64, Option<i64>)> = if sector.trim().is_empty() { vec![] } else { structure::sectors(db, committee_id).await?.into_iter().map(|s| (s.id, None)).collect() };
        let s = ListScope {
            group_ids: l.id("group", group, Some(&groups)).map(|g| with_below(g, &groups)),
            studio_id: l.id("studio", studio, Some(&studios)),
            place_ids: l.id("place", place, Some(&places)).map(|p| with_below(p, &places)),
            sector_id: l.id("sector", sector, Some(&sectors)),
        };
        Ok((s, l.0))
    }

    /// The members whose items the group, studio and sector take (None: everyone's); given
    /// together, the members in all of them.
    pub async fn members(&self, db: &impl ConnectionTrait, committee_id: i64) -> Result<Option<Vec<i64>>, DbErr> {
        let mut out = None;
        if let Some(g) = &self.group_ids {
            out = narrow(out, Some(group_members(db, committee_id, g).await?));
        }
        if let Some(s) = self.studio_id {
            out = narrow(out, Some(studio_members(db, s).await?));
        }
        if let Some(s) = self.sector_id {
            out = narrow(out, Some(sector_members(db, committee_id, s).await?));
        }
        Ok(out)
    }

    /// The members whose items the scope takes, a place's being the members who live or work
    /// there (for items that happen nowhere: proposals, public-opinion reports).
    pub async fn members_with_place(&self, db: &impl ConnectionTrait, committee_id: i64) -> Result<Option<Vec<i64>>, DbErr> {
        let by_place = match &self.place_ids {
            Some(p) => Some(place_members(db, committee_id, p).await?),
            None => None,
        };
        Ok(narrow(self.members(db, committee_id).await?, by_place))
    }

    /// The studios whose items the scope takes: the studio, or those the group runs (None: any).
    pub async fn studios(&self, db: &impl ConnectionTrait, committee_id: i64) -> Result<Option<Vec<i64>>, DbErr> {
        let by_group = match &self.group_ids {
            Some(g) => Some(crate::studios::store::list(db, committee_id).await?.into_iter().filter(|s| s.group_id.is_some_and(|x| g.contains(&x))).map(|s| s.id).collect()),
            None => None,
        };
        Ok(narrow(by_group, self.studio_id.map(|s| vec![s])))
    }
}

/// `a` and `b` both (None: no restriction).
pub fn narrow(a: Option<Vec<i64>>, b: Option<Vec<i64>>) -> Option<Vec<i64>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.into_iter().filter(|x| b.contains(x)).collect()),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Every member of the groups, past ones too.
pub async fn group_members(db: &impl ConnectionTrait, committee_id: i64, group_ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    Ok(members::all(db, committee_id, &MemberFilter { group_ids: Some(group_ids.to_vec()), ..Default::default() }).await?.into_iter().map(|m| m.id).collect())
}

/// The members assigned to a studio.
pub async fn studio_members(db: &impl ConnectionTrait, studio_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(crate::studios::store::members_of(db, &[studio_id]).await?.remove(&studio_id).unwrap_or_default())
}

/// The members of a sector, past ones too.
pub async fn sector_members(db: &impl ConnectionTrait, committee_id: i64, sector_id: i64) -> Result<Vec<i64>, DbErr> {
    member::Entity::find()
        .filter(member::Column::CommitteeId.eq(committee_id))
        .filter(member::Column::SectorId.eq(sector_id))
        .select_only()
        .column(member::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// The members at these places, past ones too.
pub async fn place_members(db: &impl ConnectionTrait, committee_id: i64, place_ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    member::Entity::find()
        .filter(member::Column::CommitteeId.eq(committee_id))
        .filter(member::Column::PlaceId.is_in(place_ids.to_vec()))
        .select_only()
        .column(member::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_given_together_take_the_members_in_all_of_them() {
        assert_eq!(narrow(None, None), None);
        assert_eq!(narrow(Some(vec![1, 2, 3]), None), Some(vec![1, 2, 3]));
        assert_eq!(narrow(None, Some(vec![4])), Some(vec![4]));
        assert_eq!(narrow(Some(vec![1, 2, 3]), Some(vec![3, 2, 9])), Some(vec![2, 3]));
        assert_eq!(narrow(Some(vec![1]), Some(vec![])), Some(vec![]), "an empty scope stays empty");
    }
}
