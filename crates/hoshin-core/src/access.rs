//! Who may do what: the roles of Hoshin's accounts and the one table that says which actions each role may
//! take on which organization's policies. The web layer asks [`allowed`] before every private page and every
//! write; the authorization-matrix test walks the same table.

use std::fmt;

use crate::model::Organization;
use crate::Lang;

/// The role of an account. Public readers have no account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// City staff: every organization, and user management.
    Administrator,
    /// Ward staff: edits its own organization's working copies and submits them.
    Editor,
    /// The ward mayor (所属長): approves and publishes its organization's submitted working copies.
    Approver,
    /// A ward council member (区政会議委員): reads its ward's unpublished drafts.
    CouncilMember,
}

/// What an account asks to do with an organization's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read working copies (unpublished drafts), the to-do view and the history.
    ReadDrafts,
    /// Change a working copy: its fields, structure and actuals; start next year's draft by roll-over.
    Edit,
    /// Hand a working copy to the approver, or take it back.
    Submit,
    /// Publish a submitted working copy as a stage, or return it to the editors.
    Publish,
    /// Create accounts and change their roles, passwords and state.
    ManageUsers,
    /// Keep the ward council's records: members, meetings, opinions entered for others, moderation of the
    /// opinion box, and the ward's responses.
    ManageCouncil,
    /// Give opinions on the ward's policies and rate its results as a council member.
    Opine,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Administrator, Role::Editor, Role::Approver, Role::CouncilMember];

    /// The stable code used in the database, on the command line and in forms.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Editor => "editor",
            Role::Approver => "approver",
            Role::CouncilMember => "council_member",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Administrator, Lang::Ja) => "市管理者",
            (Role::Editor, Lang::Ja) => "所属編集者",
            (Role::Approver, Lang::Ja) => "所属承認者（所属長）",
            (Role::CouncilMember, Lang::Ja) => "区政会議委員",
            (Role::Administrator, Lang::En) => "city administrator",
            (Role::Editor, Lang::En) => "organization editor",
            (Role::Approver, Lang::En) => "organization approver",
            (Role::CouncilMember, Lang::En) => "council member",
        }
    }

    /// Whether accounts of this role belong to one organization.
    pub fn needs_organization(self) -> bool {
        self != Role::Administrator
    }

    /// The actions the role may take within its own organization (every organization for administrators).
    pub fn actions(self) -> &'static [Action] {
        match self {
            Role::Administrator => &[
                Action::ReadDrafts,
                Action::Edit,
                Action::Submit,
                Action::Publish,
                Action::ManageUsers,
                Action::ManageCouncil,
            ],
            Role::Editor => &[Action::ReadDrafts, Action::Edit, Action::Submit, Action::ManageCouncil],
            Role::Approver => &[Action::ReadDrafts, Action::Publish],
            Role::CouncilMember => &[Action::ReadDrafts, Action::Opine],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether an account with `role` (belonging to `own`, if any) may take `action` on the policies of
/// `organization`. `None` for `organization` asks about actions that concern no organization (user
/// management).
pub fn allowed(role: Role, own: Option<&Organization>, action: Action, organization: Option<&Organization>) -> bool {
    if !role.actions().contains(&action) {
        return false;
    }
    match role {
        Role::Administrator => true,
        _ => match (own, organization) {
            (Some(own), Some(organization)) => own == organization,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_act_only_on_their_own_organization() {
        let sumiyoshi = Organization::new("住吉区", Some("大阪市"));
        let kita = Organization::new("北区", Some("大阪市"));
        let cases = [
            (Role::Administrator, Action::Publish, &kita, true),
            (Role::Administrator, Action::Edit, &sumiyoshi, true),
            (Role::Editor, Action::Edit, &sumiyoshi, true),
            (Role::Editor, Action::Edit, &kita, false),
            (Role::Editor, Action::Publish, &sumiyoshi, false),
            (Role::Approver, Action::Publish, &sumiyoshi, true),
            (Role::Approver, Action::Publish, &kita, false),
            (Role::Approver, Action::Edit, &sumiyoshi, false),
            (Role::CouncilMember, Action::ReadDrafts, &sumiyoshi, true),
            (Role::CouncilMember, Action::ReadDrafts, &kita, false),
            (Role::CouncilMember, Action::Edit, &sumiyoshi, false),
            (Role::CouncilMember, Action::Opine, &sumiyoshi, true),
            (Role::CouncilMember, Action::Opine, &kita, false),
            (Role::CouncilMember, Action::ManageCouncil, &sumiyoshi, false),
            (Role::Editor, Action::ManageCouncil, &sumiyoshi, true),
            (Role::Editor, Action::Opine, &sumiyoshi, false),
            (Role::Approver, Action::ManageCouncil, &sumiyoshi, false),
            (Role::Administrator, Action::Opine, &sumiyoshi, false),
        ];
        for (role, action, organization, expected) in cases {
            assert_eq!(
                allowed(role, Some(&sumiyoshi), action, Some(organization)),
                expected,
                "{role} {action:?} {}",
                organization.name
            );
        }
        assert!(allowed(Role::Administrator, None, Action::ManageUsers, None));
        assert!(!allowed(Role::Editor, Some(&sumiyoshi), Action::ManageUsers, None));
        assert!(!allowed(Role::Editor, None, Action::Edit, Some(&sumiyoshi)), "an editor without organization");
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
