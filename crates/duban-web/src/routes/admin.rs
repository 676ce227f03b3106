//! 用户与组织: the org tree, users and their roles, password resets and deactivation (admin).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_core::access::Action;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnit, OrgUnitId, OrgUnitKind, Role, User, UserId};
use duban_core::service::{Error, require, users};
use serde::Deserialize;

use crate::auth::{Session, hash_password};
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::{Chrome, html};

/// `/admin` and its forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/users", post(create_user))
        .route("/admin/users/{id}", post(update_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/units", post(add_unit))
        .route("/admin/calendar", get(calendar_page).post(set_calendar_day))
        .route("/admin/calendar/delete", post(delete_calendar_day))
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    units: Vec<(OrgUnit, usize)>,
    users: Vec<User>,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl AdminPage {
    /// Whether a user's unit is `unit` (for the select's `selected`).
    fn selected(&self, user_unit: &Option<OrgUnitId>, unit: &OrgUnitId) -> bool {
        *user_unit == Some(*unit)
    }
}

/// Units in tree order with their depth.
fn tree(units: &[OrgUnit]) -> Vec<(OrgUnit, usize)> {
    fn walk(
        units: &[OrgUnit],
        parent: Option<OrgUnitId>,
        depth: usize,
        out: &mut Vec<(OrgUnit, usize)>,
    ) {
        if depth > 16 {
            return;
        }
        for u in units.iter().filter(|u| u.parent == parent) {
            out.push((u.clone(), depth));
            walk(units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, &mut out);
    out
}

async fn admin_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    let users = users::list_users(&ctx).await?;
    let all_units = state.store.list_org_units().await?;
    Ok(html(&AdminPage {
        chrome: Chrome::new("用户与组织", &session, "/admin").with_notice(q.notice.as_deref()),
        units: tree(&all_units),
        users,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        kinds: [
            OrgUnitKind::Department,
            OrgUnitKind::School,
            OrgUnitKind::Kindergarten,
            OrgUnitKind::Subdistrict,
        ]
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect(),
    }))
}

fn parse_role(s: &str) -> Result<Role, Error> {
    Role::parse(s).map_err(Error::from)
}

fn parse_unit(s: &str) -> Option<OrgUnitId> {
    s.trim().parse().ok().map(OrgUnitId)
}

async fn hashed(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(Error::Internal)
}

#[derive(Deserialize)]
struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
    unit: String,
    password: String,
}

async fn create_user(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<NewUserForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // Refuse first: non-admins get no validation messages and cause no password hashing.
    require(&ctx, Action::ManageOrg, None)?;
    let user = NewUser::parse(
        &form.username,
        &form.display_name,
        parse_role(&form.role)?,
        parse_unit(&form.unit),
    )
    .map_err(Error::from)?;
    duban_core::auth::check_new_password(&form.password).map_err(Error::Invalid)?;
    let hash = hashed(form.password).await?;
    users::create_user(&ctx, &user, &hash).await?;
    Ok(Redirect::to("/admin?notice=user_saved").into_response())
}

#[derive(Deserialize)]
struct EditUserForm {
    display_name: String,
    role: String,
    unit: String,
}

async fn update_user(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<EditUserForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // Refuse first: non-admins get no validation messages and cause no password hashing.
    require(&ctx, Action::ManageOrg, None)?;
    users::update_user(
        &ctx,
        UserId(id),
        &form.display_name,
        parse_role(&form.role)?,
        parse_unit(&form.unit),
    )
    .await?;
    Ok(Redirect::to("/admin?notice=user_saved").into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // Refuse first: non-admins get no validation messages and cause no password hashing.
    require(&ctx, Action::ManageOrg, None)?;
    duban_core::auth::check_new_password(&form.password).map_err(Error::Invalid)?;
    let hash = hashed(form.password.clone()).await?;
    users::reset_password(&ctx, UserId(id), &form.password, |_| Ok(hash)).await?;
    Ok(Redirect::to("/admin?notice=user_saved").into_response())
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // Refuse first: non-admins get no validation messages and cause no password hashing.
    require(&ctx, Action::ManageOrg, None)?;
    users::set_active(&ctx, UserId(id), form.active == "1").await?;
    Ok(Redirect::to("/admin?notice=user_saved").into_response())
}

#[derive(Deserialize)]
struct UnitForm {
    parent: String,
    name: String,
    kind: String,
}

async fn add_unit(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<UnitForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    // Refuse first: non-admins get no validation messages and cause no password hashing.
    require(&ctx, Action::ManageOrg, None)?;
    let kind = OrgUnitKind::parse(&form.kind).map_err(Error::from)?;
    let unit =
        NewOrgUnit::parse(parse_unit(&form.parent), &form.name, kind).map_err(Error::from)?;
    users::add_unit(&ctx, &unit).await?;
    Ok(Redirect::to("/admin?notice=unit_saved").into_response())
}

#[derive(Deserialize, Default)]
struct CalendarQuery {
    year: Option<i32>,
    notice: Option<String>,
}

/// One line of the calendar page.
struct DayLine {
    date: String,
    weekday: &'static str,
    kind: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: i32,
    days: Vec<DayLine>,
}

fn weekday_label(d: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

async fn calendar_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    use chrono::Datelike;
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, duban_core::access::Action::ManageOrg, None)?;
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| duban_core::tasks::local_date(ctx.now).year());
    let calendar = duban_core::service::calendar::calendar(&ctx).await?;
    let days = calendar
        .days_of_year(year)
        .into_iter()
        .map(|d| DayLine {
            date: crate::views::date(&d.date),
            weekday: weekday_label(d.date),
            kind: d.kind.label(),
            name: d.name.clone(),
        })
        .collect();
    Ok(html(&CalendarPage {
        chrome: Chrome::new("节假日", &session, "/admin").with_notice(q.notice.as_deref()),
        year,
        days,
    }))
}

#[derive(Deserialize)]
struct CalendarForm {
    date: String,
    kind: String,
    name: String,
}

fn parse_day(text: &str) -> Result<chrono::NaiveDate, Error> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("“{}”不是有效日期", text.trim())))
}

async fn set_calendar_day(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<CalendarForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, duban_core::access::Action::ManageOrg, None)?;
    let date = parse_day(&form.date)?;
    let kind = duban_core::calendar::DayKind::from_code(&form.kind)
        .ok_or_else(|| Error::Invalid("请选择放假或调休上班".into()))?;
    let day =
        duban_core::calendar::CalendarDay::new(date, kind, &form.name).map_err(Error::Invalid)?;
    duban_core::service::calendar::set_day(&ctx, &day).await?;
    use chrono::Datelike;
    Ok(Redirect::to(&format!(
        "/admin/calendar?year={}&notice=calendar",
        date.year()
    ))
    .into_response())
}

#[derive(Deserialize)]
struct DeleteDayForm {
    date: String,
}

async fn delete_calendar_day(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<DeleteDayForm>,
) -> AppResult<Response> {
    let ctx = state.ctx(session.actor());
    duban_core::service::require(&ctx, duban_core::access::Action::ManageOrg, None)?;
    let date = parse_day(&form.date)?;
    duban_core::service::calendar::delete_day(&ctx, date).await?;
    use chrono::Datelike;
    Ok(Redirect::to(&format!(
        "/admin/calendar?year={}&notice=calendar",
        date.year()
    ))
    .into_response())
}
