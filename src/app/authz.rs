//! Authorization in one place: `may(actor, action, target)`. Pages, the API and the navigation
//! all ask this function; none checks roles on its own.
use crate::app::auth::Actor;
use crate::app::error::AppError;
use crate::org::model::Role;

/// What an actor wants to do. Later areas add their actions here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read a committee's pages and records.
    ViewCommittee,
    /// Create child committees and change the committee's settings.
    EditCommittee,
    /// See the account list.
    ViewUsers,
    /// Create accounts, change roles, enable or disable them.
    ManageUsers,
    /// Lift a lockout.
    UnlockUser,
    /// Read the audit log.
    ViewAuditLog,
    /// See the member list and member files.
    ViewMembers,
    /// See members' mobile numbers in full (others see 138****1234).
    ViewMemberPhones,
    /// Create, edit, import and export members.
    ManageMembers,
    /// Maintain sectors, places, groups and handling units.
    ManageCatalogs,
    /// See the demand lists (a unit account sees only its own demands).
    ViewDemands,
    /// Triage, assign, confirm, reject, convert and archive demands.
    ManageDemands,
    /// Register a citizen's concern received in person (a member only at the studios it serves).
    RegisterDemands,
    /// Write to citizens in a demand's online-studio conversation.
    MessageCitizens,
    /// See the studios, their rosters and receptions (a member sees those it serves).
    ViewStudios,
    /// Create and edit studios, assign their members and keep the duty roster.
    ManageStudios,
    /// Record a reception session (a member only at the studios it serves).
    RecordReceptions,
    /// See proposals (a member those it signs, while drafts; a unit those handed to it).
    ViewProposals,
    /// Review, return, file, refuse and convert proposals.
    ManageProposals,
    /// Draft proposals and sign them (members).
    DraftProposals,
    /// See the committee's visits (走访) and the leaders' field days.
    ViewVisits,
    /// Log a visit one went on (staff for anyone).
    RecordVisits,
    /// See the committee's activities (活动), sign in to them and ask for leave.
    ViewActivities,
    /// Create and edit activities, keep their roll and decide leave.
    ManageActivities,
    /// See the committee's liaison targets (联系点) and their contact logs.
    ViewLiaison,
    /// Create liaison targets, assign leaders and members, change their status.
    ManageLiaison,
    /// Write in a liaison target's contact log (the page checks the writer is assigned, staff for anyone).
    LogLiaisonContact,
    /// See the projects members introduced (项目).
    ViewProjects,
    /// Record a project and its yearly figures (the page checks a member edits only their own).
    RecordProjects,
    /// See the committee's research reports (调研报告).
    ViewResearchReports,
    /// Write a research report (the page checks a member edits only their own).
    WriteResearchReports,
    /// Record where a research report went and what came of it (adopted, instructed).
    RecordResearchOutcomes,
    /// Read the shared items of the committees in one's tree (信息互通).
    ViewExchange,
    /// See consultations (a unit: the outcomes handed to it).
    ViewConsultations,
    /// Plan, prepare, hold and minute consultations; hand outcomes to units; check them.
    ManageConsultations,
    /// Approve or return the year's plan of consultations.
    ApproveConsultationPlan,
    /// Recommend a consultation topic (委员荐题).
    SuggestTopics,
    /// Post opinions and vote on statements in a consultation's online deliberation.
    Deliberate,
    /// See public-opinion reports (社情民意): a member its own and the issued bulletins.
    ViewOpinionReports,
    /// Write a public-opinion report (members; staff for a group or an informant).
    WriteOpinionReports,
    /// Screen, merge, issue in bulletins, send up and record outcomes (the information office).
    ScreenOpinionReports,
    /// Approve adopted reports before they are issued.
    ApproveOpinionReports,
    /// See the committee's statistics and dashboards.
    ViewStats,
    /// See the committee's duty-performance ranking and every member's duty file.
    ViewEvaluation,
    /// Edit the scoring rules, add manual duty records, evaluate and freeze a year, record
    /// consequence actions.
    ManageEvaluation,
    /// Open the evaluation pages at all (a member reaches only its own file).
    ViewDutyFile,
}

/// The committee an object belongs to, with that committee's ancestors (parent first), so the
/// rule "admins of a parent committee may view their children read-only" needs no query here.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub committee_id: i64,
    pub ancestors: &'a [i64],
}

impl<'a> Target<'a> {
    /// An object of the actor's own committee.
    pub fn own(actor: &Actor) -> Target<'static> {
        Target { committee_id: actor.committee_id, ancestors: &[] }
    }
}

/// May `actor` do `action` on an object of `target`'s committee?
pub fn may(actor: &Actor, action: Action, target: &Target) -> bool {
    use Role::*;
    let own = target.committee_id == actor.committee_id;
    let ancestor = target.ancestors.contains(&actor.committee_id);
    let role = actor.role;
    match action {
        Action::ViewCommittee => own || (ancestor && role == Admin),
        Action::EditCommittee | Action::ManageUsers => own && role == Admin,
        Action::ViewUsers | Action::UnlockUser => own && matches!(role, Admin | SecurityAdmin),
        // Separation of duties (三员分立): only the auditor reads the audit trail.
        Action::ViewAuditLog => own && role == Auditor,
        Action::ViewMembers => own && matches!(role, Admin | Staff | Leader | Member | Unit),
        Action::ViewMemberPhones | Action::ManageMembers | Action::ManageCatalogs | Action::ManageDemands => {
            own && matches!(role, Admin | Staff)
        }
        Action::ViewDemands => own && matches!(role, Admin | Staff | Leader | Member | Unit),
        Action::ManageStudios => own && matches!(role, Admin | Staff),
        Action::ViewStudios => own && matches!(role, Admin | Staff | Leader | Member),
        Action::RegisterDemands | Action::MessageCitizens | Action::RecordReceptions => own && matches!(role, Admin | Staff | Member),
        Action::ViewProposals => own && matches!(role, Admin | Staff | Leader | Member | Unit),
        Action::ManageProposals => own && matches!(role, Admin | Staff),
        Action::DraftProposals => own && role == Member,
        Action::ViewVisits => own && matches!(role, Admin | Staff | Leader | Member),
        Action::RecordVisits => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ViewActivities => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ManageActivities => own && matches!(role, Admin | Staff),
        Action::ViewLiaison | Action::LogLiaisonContact => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ManageLiaison => own && matches!(role, Admin | Staff),
        Action::ViewProjects | Action::RecordProjects => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ViewResearchReports | Action::WriteResearchReports => own && matches!(role, Admin | Staff | Leader | Member),
        Action::RecordResearchOutcomes => own && matches!(role, Admin | Staff),
        Action::ViewExchange => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ViewConsultations => own && matches!(role, Admin | Staff | Leader | Member | Unit),
        Action::ManageConsultations => own && matches!(role, Admin | Staff),
        Action::ApproveConsultationPlan => own && role == Leader,
        Action::SuggestTopics => own && role == Member,
        Action::Deliberate => own && matches!(role, Admin | Staff | Leader | Member),
        Action::ViewOpinionReports => own && matches!(role, Admin | Staff | Leader | Member),
        Action::WriteOpinionReports => own && matches!(role, Admin | Staff | Member),
        Action::ScreenOpinionReports => own && matches!(role, Admin | Staff),
        Action::ApproveOpinionReports => own && role == Leader,
        Action::ViewStats => own && matches!(role, Admin | Staff | Leader),
        Action::ViewEvaluation => own && matches!(role, Admin | Staff | Leader),
        Action::ManageEvaluation => own && matches!(role, Admin | Staff),
        Action::ViewDutyFile => own && matches!(role, Admin | Staff | Leader | Member),
    }
}

/// `may`, as a `Result` for handlers.
pub fn authorize(actor: &Actor, action: Action, target: &Target) -> Result<(), AppError> {
    if may(actor, action, target) { Ok(()) } else { Err(AppError::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, committee_id: i64) -> Actor {
        Actor {
            user_id: 1,
            committee_id,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: None,
        }
    }

    /// Every role against every action, on its own committee, on a child committee and on an
    /// unrelated one. Letters: A=admin S=security_admin U=auditor T=staff L=leader M=member N=unit.
    #[test]
    fn permission_table() {
        use Action::*;
        let roles = [
            ('A', Role::Admin),
            ('S', Role::SecurityAdmin),
            ('U', Role::Auditor),
            ('T', Role::Staff),
            ('L', Role::Leader),
            ('M', Role::Member),
            ('N', Role::Unit),
        ];
        // (action, roles allowed on own committee, roles allowed on a child, on an unrelated one)
        let table = [
            (ViewCommittee, "ASUTLMN", "A", ""),
            (EditCommittee, "A", "", ""),
            (ViewUsers, "AS", "", ""),
            (ManageUsers, "A", "", ""),
            (UnlockUser, "AS", "", ""),
            (ViewAuditLog, "U", "", ""),
            (ViewMembers, "ATLMN", "", ""),
            (ViewMemberPhones, "AT", "", ""),
            (ManageMembers, "AT", "", ""),
            (ManageCatalogs, "AT", "", ""),
            (ViewDemands, "ATLMN", "", ""),
            (ManageDemands, "AT", "", ""),
            (RegisterDemands, "ATM", "", ""),
            (MessageCitizens, "ATM", "", ""),
            (ViewStudios, "ATLM", "", ""),
            (ManageStudios, "AT", "", ""),
            (RecordReceptions, "ATM", "", ""),
            (ViewProposals, "ATLMN", "", ""),
            (ManageProposals, "AT", "", ""),
            (DraftProposals, "M", "", ""),
            (ViewVisits, "ATLM", "", ""),
            (RecordVisits, "ATLM", "", ""),
            (ViewActivities, "ATLM", "", ""),
            (ManageActivities, "AT", "", ""),
            (ViewLiaison, "ATLM", "", ""),
            (ManageLiaison, "AT", "", ""),
            (LogLiaisonContact, "ATLM", "", ""),
            (ViewProjects, "ATLM", "", ""),
            (RecordProjects, "ATLM", "", ""),
            (ViewResearchReports, "ATLM", "", ""),
            (WriteResearchReports, "ATLM", "", ""),
            (RecordResearchOutcomes, "AT", "", ""),
            (ViewExchange, "ATLM", "", ""),
            (ViewConsultations, "ATLMN", "", ""),
            (ManageConsultations, "AT", "", ""),
            (ApproveConsultationPlan, "L", "", ""),
            (SuggestTopics, "M", "", ""),
            (Deliberate, "ATLM", "", ""),
            (ViewOpinionReports, "ATLM", "", ""),
            (WriteOpinionReports, "ATM", "", ""),
            (ScreenOpinionReports, "AT", "", ""),
            (ApproveOpinionReports, "L", "", ""),
            (ViewStats, "ATL", "", ""),
            (ViewEvaluation, "ATL", "", ""),
            (ManageEvaluation, "AT", "", ""),
            (ViewDutyFile, "ATLM", "", ""),
        ];
        let own = Target { committee_id: 10, ancestors: &[1] };
        let child = Target { committee_id: 20, ancestors: &[10, 1] };
        let other = Target { committee_id: 30, ancestors: &[2] };
        for (action, on_own, on_child, on_other) in table {
            for (letter, role) in roles {
                let a = actor(role, 10);
                assert_eq!(may(&a, action, &own), on_own.contains(letter), "{action:?} {role} own");
                assert_eq!(may(&a, action, &child), on_child.contains(letter), "{action:?} {role} child");
                assert_eq!(may(&a, action, &other), on_other.contains(letter), "{action:?} {role} other");
            }
        }
    }

    #[test]
    fn a_child_admin_cannot_see_the_parent() {
        let a = actor(Role::Admin, 20);
        let parent = Target { committee_id: 10, ancestors: &[1] };
        assert!(!may(&a, Action::ViewCommittee, &parent));
        assert!(authorize(&a, Action::EditCommittee, &parent).is_err());
    }
}
