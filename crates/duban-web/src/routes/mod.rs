//! The pages, one module per area; each exposes `router()`.

pub mod accountability;
pub mod admin;
pub mod inbox;
pub mod login;
pub mod meetings;
pub mod monthly;
pub mod notices;
pub mod plans;
pub mod reports;
pub mod stats;
pub mod tasks;

use std::collections::HashMap;

use duban_core::org::{OrgUnitId, User, UserId};
use duban_core::service::Ctx;
use duban_core::service::snapshot::snapshot;

use crate::error::AppResult;

/// Names of units and users for the templates (ids are stored, names are shown).
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Unit id → name.
    pub units: HashMap<OrgUnitId, String>,
    /// User id → display name.
    pub users: HashMap<UserId, String>,
    /// Every user (for pickers).
    pub all_users: Vec<User>,
}

impl Names {
    /// Every unit and user name, from the shared snapshot.
    pub async fn load(ctx: &Ctx<'_>) -> AppResult<Self> {
        let snap = snapshot(ctx).await?;
        let units = snap.units.iter().map(|u| (u.id, u.name.clone())).collect();
        let all_users = snap.users.clone();
        let users = all_users
            .iter()
            .map(|u| (u.id, u.display_name.clone()))
            .collect();
        Ok(Self {
            units,
            users,
            all_users,
        })
    }

    /// A unit's name, or `—`.
    pub fn unit(&self, id: &Option<OrgUnitId>) -> String {
        id.and_then(|i| self.units.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }

    /// A unit's name by id, or `—`.
    pub fn unit_by_id(&self, id: OrgUnitId) -> String {
        self.unit(&Some(id))
    }

    /// Several units' names, joined with `、`.
    pub fn units_list(&self, ids: &[OrgUnitId]) -> String {
        let names: Vec<&str> = ids
            .iter()
            .filter_map(|i| self.units.get(i).map(String::as_str))
            .collect();
        if names.is_empty() {
            "—".into()
        } else {
            names.join("、")
        }
    }

    /// A user's display name, or `—`.
    pub fn user(&self, id: &Option<UserId>) -> String {
        id.and_then(|i| self.users.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    }
}
