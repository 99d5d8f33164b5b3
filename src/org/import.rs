//! Roster import: every row is checked against the committee's catalogues before anything is
//! written; then, in one transaction, missing catalogue entries are created (when asked),
//! new members inserted and known ones (same name and mobile) updated.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::org::members::{self, MemberData, MemberFilter};
use crate::org::roster::{RosterRow, RowError};
use crate::org::store;
use crate::org::structure::{self, PlaceKind};

#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Create sectors, groups and places the file names but the committee lacks.
    pub create_missing: bool,
    /// Check and count, write nothing.
    pub dry_run: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Catalogue entries created (or to be created), e.g. "界别：经济界".
    pub new_entries: Vec<String>,
    /// Line numbers of rows that match a member already present.
    pub existing_lines: Vec<usize>,
}

/// Name → id of one catalogue, plus the names still to create.
struct Names {
    ids: HashMap<String, i64>,
    missing: Vec<String>,
}

impl Names {
    fn new(pairs: impl Iterator<Item = (String, i64)>) -> Self {
        Names { ids: pairs.collect(), missing: Vec::new() }
    }

    /// Checks `name`; unknown names are errors unless they may be created.
    fn check(&mut self, name: &str, line: usize, column: &'static str, key: &'static str, create: bool, errors: &mut Vec<RowError>) {
        if self.ids.contains_key(name) || self.missing.iter().any(|m| m == name) {
            return;
        }
        if create { self.missing.push(name.to_string()) } else { errors.push(RowError { line, column, key }) }
    }
}

/// Imports validated roster rows into a committee. `Err` lists every row that cannot be
/// imported; then nothing has been written.
pub async fn import_members(
    db: &DatabaseConnection,
    committee_id: i64,
    who: &Who,
    rows: &[RosterRow],
    opts: ImportOptions,
) -> Result<Result<ImportReport, Vec<RowError>>, DbErr> {
    let mut sectors = Names::new(structure::sectors(db, committee_id).await?.into_iter().map(|s| (s.name, s.id)));
    let mut groups = Names::new(structure::groups(db, committee_id).await?.into_iter().map(|g| (g.name, g.id)));
    let mut places = Names::new(structure::places(db, committee_id).await?.into_iter().map(|p| (p.name, p.id)));
    let mut errors = Vec::new();
    for r in rows {
        sectors.check(&r.sector, r.line, "界别", "err.unknown_sector", opts.create_missing, &mut errors);
        for g in &r.groups {
            groups.check(g, r.line, "所属小组", "err.unknown_group", opts.create_missing, &mut errors);
        }
        if let Some(p) = &r.place {
            places.check(p, r.line, "所属镇街", "err.unknown_place", opts.create_missing, &mut errors);
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let known = members::identities(db, committee_id).await?;
    let key = |r: &RosterRow| (r.name.clone(), r.mobile.as_ref().map(|m| m.as_str().to_string()));
    let mut report = ImportReport { rows: rows.len(), ..Default::default() };
    report.existing_lines = rows.iter().filter(|r| known.contains_key(&key(r))).map(|r| r.line).collect();
    report.updated = report.existing_lines.len();
    report.created = rows.len() - report.updated;
    report.new_entries = new_entry_labels(&sectors, &groups, &places);
    if opts.dry_run {
        return Ok(Ok(report));
    }

    let txn = db.begin().await?;
    create_missing(&txn, committee_id, &mut sectors, &mut groups, &mut places).await?;
    for r in rows {
        let data = member_data(r, &sectors, &groups, &places);
        match known.get(&key(r)) {
            Some(&id) => {
                let before = members::find(&txn, committee_id, id).await?.ok_or(DbErr::RecordNotFound(id.to_string()))?;
                // A roster has no account column: keep the member's link to their login.
                members::update(&txn, &before, &MemberData { user_id: before.user_id, ..data }).await?;
            }
            None => {
                members::insert(&txn, committee_id, &data).await?;
            }
        }
    }
    let summary = format!("导入委员名册：{} 行，新增 {}，更新 {}，新建目录项 {}", report.rows, report.created, report.updated, report.new_entries.len());
    audit::record(&txn, who, "import", "member", "-", summary).await?;
    txn.commit().await?;
    Ok(Ok(report))
}

fn new_entry_labels(sectors: &Names, groups: &Names, places: &Names) -> Vec<String> {
    let label = |prefix: &str, n: &Names| n.missing.iter().map(|m| format!("{prefix}：{m}")).collect::<Vec<_>>();
    [label("界别", sectors), label("小组", groups), label("镇街", places)].concat()
}

async fn create_missing(db: &impl ConnectionTrait, committee_id: i64, sectors: &mut Names, groups: &mut Names, places: &mut Names) -> Result<(), DbErr> {
    for name in std::mem::take(&mut sectors.missing) {
        let s = structure::insert_sector(db, committee_id, &name).await?;
        sectors.ids.insert(name, s.id);
    }
    for name in std::mem::take(&mut places.missing) {
        let p = structure::insert_place(db, committee_id, &name, PlaceKind::from_name(&name), None).await?;
        places.ids.insert(name, p.id);
    }
    for name in std::mem::take(&mut groups.missing) {
        let g = structure::insert_group(db, committee_id, &name, None, None).await?;
        groups.ids.insert(name, g.id);
    }
    Ok(())
}

fn member_data(r: &RosterRow, sectors: &Names, groups: &Names, places: &Names) -> MemberData {
    MemberData {
        name: r.name.clone(),
        gender: r.gender,
        birth_month: r.birth_month,
        ethnicity: r.ethnicity.clone(),
        party: r.party.clone(),
        sector_id: sectors.ids[&r.sector],
        place_id: r.place.as_ref().map(|p| places.ids[p]),
        group_ids: r.groups.iter().map(|g| groups.ids[g]).collect(),
        position: r.position,
        employer: r.employer.clone(),
        mobile: r.mobile.clone(),
        status: r.status,
        user_id: None,
    }
}

/// The committee's members as roster rows, in the template's columns, for the export.
pub async fn export_rows(db: &DatabaseConnection, committee_id: i64, filter: &MemberFilter) -> Result<Vec<RosterRow>, DbErr> {
    let list = members::all(db, committee_id, filter).await?;
    let names = Catalogues::load(db, committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let groups = members::groups_of(db, &ids).await?;
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, m)| names.roster_row(i + 2, m, groups.get(&m.id).map(Vec::as_slice).unwrap_or(&[])))
        .collect())
}

/// The committee's catalogues by id, to show names instead of ids.
pub struct Catalogues {
    pub sectors: HashMap<i64, String>,
    pub groups: HashMap<i64, String>,
    pub places: HashMap<i64, String>,
    pub units: HashMap<i64, String>,
}

impl Catalogues {
    pub async fn load(db: &impl ConnectionTrait, committee_id: i64) -> Result<Self, DbErr> {
        Ok(Catalogues {
            sectors: structure::sectors(db, committee_id).await?.into_iter().map(|s| (s.id, s.name)).collect(),
            groups: structure::groups(db, committee_id).await?.into_iter().map(|g| (g.id, g.name)).collect(),
            places: structure::places(db, committee_id).await?.into_iter().map(|p| (p.id, p.name)).collect(),
            units: store::units(db, committee_id).await?.into_iter().map(|u| (u.id, u.name)).collect(),
        })
    }

    pub fn roster_row(&self, line: usize, m: &members::Member, group_ids: &[i64]) -> RosterRow {
        use crate::org::values::{Gender, MemberStatus, Phone, Position, YearMonth};
        RosterRow {
            line,
            name: m.name.clone(),
            gender: m.gender.as_deref().and_then(Gender::from_code),
            birth_month: m.birth_month.as_deref().and_then(|b| YearMonth::parse("birth_month", b).ok()),
            ethnicity: m.ethnicity.clone(),
            party: m.party.clone(),
            sector: self.sectors.get(&m.sector_id).cloned().unwrap_or_default(),
            position: Position::from_code(&m.position).unwrap_or(Position::Member),
            employer: m.employer.clone(),
            groups: group_ids.iter().filter_map(|g| self.groups.get(g).cloned()).collect(),
            place: m.place_id.and_then(|p| self.places.get(&p).cloned()),
            mobile: m.mobile.as_deref().and_then(|p| Phone::parse("mobile", p).ok()),
            status: MemberStatus::from_code(&m.status).unwrap_or(MemberStatus::InOffice),
        }
    }
}
