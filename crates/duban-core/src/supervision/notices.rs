//! 督办单 (supervision notices): the written chase that escalates 蓝 → 黄 → 红.
//!
//! - 蓝色提醒: the deadline is within the warning window (the yellow window of the lights).
//! - 黄色警示: behind 序时进度, a report missing, or the same report returned twice.
//! - 红色督办: past the deadline and not completed.
//!
//! Which trigger issues which tier (or none) is the bureau's setting ([`NoticeSettings`]).
//! Each notice carries its number in the bureau's style (督〔2026〕12号, numbered per year), the
//! facts that triggered it, and a reply-by date counted in working days. The unit 签收
//! (acknowledges) and 反馈 (answers); a notice still unanswered after its reply-by date is
//! escalated once: a new notice of the next tier, or — for a red one — a report to the leader.
//!
//! This module is pure: [`candidates`] says which automatic notices a task calls for at a moment;
//! the scheduler (`service::scheduler`) issues them, and the store's unique dedupe key makes sure
//! each is issued exactly once however often the check runs.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::org::{OrgUnitId, UserId};
use crate::tasks::records::stored_codes;
use crate::tasks::{
    Assessment, ReasonCode, RecordError, ReportSummary, TaskId, TaskRecord, TaskStatus,
};

/// The id of a stored 督办单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NoticeId(pub i64);

impl std::fmt::Display for NoticeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How hard a notice presses, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeTier {
    /// 蓝色提醒.
    Blue,
    /// 黄色警示.
    Yellow,
    /// 红色督办.
    Red,
}

stored_codes!(NoticeTier, "督办等级", {
    Blue => "blue",
    Yellow => "yellow",
    Red => "red",
});

impl NoticeTier {
    /// 蓝色提醒 / 黄色警示 / 红色督办.
    pub fn label(self) -> &'static str {
        match self {
            NoticeTier::Blue => "蓝色提醒",
            NoticeTier::Yellow => "黄色警示",
            NoticeTier::Red => "红色督办",
        }
    }

    /// The tier an unanswered notice escalates to; `None` for red (it goes to the leader).
    pub fn next(self) -> Option<NoticeTier> {
        match self {
            NoticeTier::Blue => Some(NoticeTier::Yellow),
            NoticeTier::Yellow => Some(NoticeTier::Red),
            NoticeTier::Red => None,
        }
    }
}

/// What made a notice go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeTrigger {
    /// The deadline is within the warning window.
    DueSoon,
    /// The latest report is too far behind 序时进度.
    BehindPace,
    /// The last period's report (or more) is missing.
    ReportMissing,
    /// The latest report was returned (退回) twice or more.
    ReturnedTwice,
    /// Past the deadline and not completed.
    Overdue,
    /// An earlier notice was not answered by its reply-by date.
    Unanswered,
    /// Issued by hand by the 督查室.
    Manual,
}

stored_codes!(NoticeTrigger, "督办事由", {
    DueSoon => "due_soon",
    BehindPace => "behind_pace",
    ReportMissing => "report_missing",
    ReturnedTwice => "returned_twice",
    Overdue => "overdue",
    Unanswered => "unanswered",
    Manual => "manual",
});

impl NoticeTrigger {
    /// A short Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            NoticeTrigger::DueSoon => "临近完成时限",
            NoticeTrigger::BehindPace => "进度滞后",
            NoticeTrigger::ReportMissing => "未按时报送",
            NoticeTrigger::ReturnedTwice => "报告两次被退回",
            NoticeTrigger::Overdue => "超期未办结",
            NoticeTrigger::Unanswered => "督办单逾期未反馈",
            NoticeTrigger::Manual => "督查室交办",
        }
    }
}

/// Where a notice is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// Sent, not yet acknowledged.
    Issued,
    /// 已签收: acknowledged, not yet answered.
    Signed,
    /// 已反馈: answered (the chase of this notice is over).
    Answered,
    /// 已升级: not answered in time; a sharper notice (or the leader) took over.
    Escalated,
}

stored_codes!(NoticeState, "督办单状态", {
    Issued => "issued",
    Signed => "signed",
    Answered => "answered",
    Escalated => "escalated",
});

impl NoticeState {
    /// 待签收 / 已签收 / 已反馈 / 已升级.
    pub fn label(self) -> &'static str {
        match self {
            NoticeState::Issued => "待签收",
            NoticeState::Signed => "已签收待反馈",
            NoticeState::Answered => "已反馈",
            NoticeState::Escalated => "逾期已升级",
        }
    }

    /// Still waiting for the unit (not answered, not escalated).
    pub fn is_open(self) -> bool {
        matches!(self, NoticeState::Issued | NoticeState::Signed)
    }
}

/// Which tier each trigger issues (`None`: that trigger issues nothing), how long units have to
/// answer, and whether unanswered notices escalate. Part of the bureau's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoticeSettings {
    /// Automatic notices at all (off: only notices issued by hand).
    pub automatic: bool,
    /// Deadline within the warning window (default 蓝).
    #[serde(with = "tier_or_off")]
    pub due_soon: Option<NoticeTier>,
    /// Behind 序时进度 (default 黄).
    #[serde(with = "tier_or_off")]
    pub behind_pace: Option<NoticeTier>,
    /// A period's report missing (default 黄).
    #[serde(with = "tier_or_off")]
    pub report_missing: Option<NoticeTier>,
    /// The latest report returned twice (default 黄).
    #[serde(with = "tier_or_off")]
    pub returned_twice: Option<NoticeTier>,
    /// Overdue (default 红).
    #[serde(with = "tier_or_off")]
    pub overdue: Option<NoticeTier>,
    /// Working days a unit has to answer a 蓝 notice (default 5).
    pub reply_workdays_blue: u32,
    /// … a 黄 notice (default 3).
    pub reply_workdays_yellow: u32,
    /// … a 红 notice (default 2).
    pub reply_workdays_red: u32,
    /// Escalate notices not answered by their reply-by date (default on).
    pub escalate_unanswered: bool,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings {
            automatic: true,
            due_soon: Some(NoticeTier::Blue),
            behind_pace: Some(NoticeTier::Yellow),
            report_missing: Some(NoticeTier::Yellow),
            returned_twice: Some(NoticeTier::Yellow),
            overdue: Some(NoticeTier::Red),
            reply_workdays_blue: 5,
            reply_workdays_yellow: 3,
            reply_workdays_red: 2,
            escalate_unanswered: true,
        }
    }
}

/// A trigger's tier in the configuration: `"blue"`, `"yellow"`, `"red"` or `"off"`.
mod tier_or_off {
    use super::NoticeTier;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tier: &Option<NoticeTier>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tier.map_or("off", NoticeTier::code))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NoticeTier>, D::Error> {
        let text = String::deserialize(d)?;
        if text == "off" {
            return Ok(None);
        }
        NoticeTier::from_code(&text).map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "未知的督办等级 {text}（可选 blue、yellow、red、off）"
            ))
        })
    }
}

impl NoticeSettings {
    /// The tier `trigger` issues, if any (manual and escalation notices choose their own).
    pub fn tier_for(&self, trigger: NoticeTrigger) -> Option<NoticeTier> {
        match trigger {
            NoticeTrigger::DueSoon => self.due_soon,
            NoticeTrigger::BehindPace => self.behind_pace,
            NoticeTrigger::ReportMissing => self.report_missing,
            NoticeTrigger::ReturnedTwice => self.returned_twice,
            NoticeTrigger::Overdue => self.overdue,
            NoticeTrigger::Unanswered | NoticeTrigger::Manual => None,
        }
    }

    /// Working days to answer a notice of `tier`.
    pub fn reply_workdays(&self, tier: NoticeTier) -> u32 {
        match tier {
            NoticeTier::Blue => self.reply_workdays_blue,
            NoticeTier::Yellow => self.reply_workdays_yellow,
            NoticeTier::Red => self.reply_workdays_red,
        }
    }
}

/// A notice to issue (validated; numbered by the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNotice {
    /// The task chased.
    pub task: TaskId,
    /// The unit that must answer (the task's lead unit).
    pub unit: OrgUnitId,
    /// 蓝 / 黄 / 红.
    pub tier: NoticeTier,
    /// Why.
    pub trigger: NoticeTrigger,
    /// The facts, in Chinese (1–2000 characters).
    pub facts: String,
    /// 反馈时限.
    pub reply_by: NaiveDate,
    /// When it is issued (its year numbers it).
    pub issued_at: DateTime<Utc>,
    /// For automatic notices: what makes this one unique (e.g. `red:overdue:12:2026-06-30`), so
    /// running the check twice cannot issue it twice. `None` for notices issued by hand.
    pub dedupe_key: Option<String>,
    /// The notice this one escalates (that one becomes `Escalated` in the same transaction).
    pub escalates: Option<NoticeId>,
}

impl NewNotice {
    /// A notice issued by hand: checks the facts and that the reply-by date is not in the past.
    pub fn manual(
        task: &TaskRecord,
        tier: NoticeTier,
        facts: &str,
        reply_by: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self, RecordError> {
        let facts = facts.trim();
        if facts.is_empty() {
            return Err(RecordError("请写明督办事项".into()));
        }
        if facts.chars().count() > 2000 {
            return Err(RecordError("督办事项不能超过2000个字".into()));
        }
        if reply_by < crate::tasks::model::local_date(now) {
            return Err(RecordError("反馈时限不能早于今天".into()));
        }
        if task.status != TaskStatus::Published {
            return Err(RecordError("只能对已交办、未办结的任务下发督办单".into()));
        }
        let unit = task
            .lead_unit
            .ok_or_else(|| RecordError("该任务没有责任科室，无法下发督办单".into()))?;
        Ok(NewNotice {
            task: task.id,
            unit,
            tier,
            trigger: NoticeTrigger::Manual,
            facts: facts.to_owned(),
            reply_by,
            issued_at: now,
            dedupe_key: None,
            escalates: None,
        })
    }
}

/// A stored 督办单.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRecord {
    /// Assigned by the store.
    pub id: NoticeId,
    /// The year of its number.
    pub year: i32,
    /// Its number within the year (1, 2, …).
    pub seq: i64,
    /// What was issued.
    pub notice: NewNotice,
    /// Who issued it (`None`: the automatic check).
    pub issued_by: Option<UserId>,
    /// Where it is.
    pub state: NoticeState,
    /// 签收: when and by whom.
    pub signed_at: Option<DateTime<Utc>>,
    /// Who signed.
    pub signed_by: Option<UserId>,
    /// 反馈: the unit's answer.
    pub answer: Option<String>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Who answered.
    pub answered_by: Option<UserId>,
}

impl NoticeRecord {
    /// The number in the bureau's style: 督〔2026〕12号.
    pub fn number(&self) -> String {
        format!("督〔{}〕{}号", self.year, self.seq)
    }

    /// Whether the reply-by date has passed at `today` without an answer.
    pub fn is_late(&self, today: NaiveDate) -> bool {
        self.state.is_open() && today > self.notice.reply_by
    }
}

/// An automatic notice a task calls for now (not yet checked against what was issued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// 蓝 / 黄 / 红 (from the settings).
    pub tier: NoticeTier,
    /// Why.
    pub trigger: NoticeTrigger,
    /// The facts, in Chinese.
    pub facts: String,
    /// Unique per occurrence: the same overdue deadline, the same missing period, the same
    /// month behind pace, the same returned report — each issues at most one notice.
    pub dedupe_key: String,
}

/// The automatic notices `task` calls for, given its light now and its reports, sharpest first.
/// Only published tasks with a lead unit are chased.
pub fn candidates(
    task: &TaskRecord,
    assessment: &Assessment,
    reports: &[ReportSummary],
    today: NaiveDate,
    settings: &NoticeSettings,
) -> Vec<Candidate> {
    if !settings.automatic || task.status != TaskStatus::Published || task.lead_unit.is_none() {
        return Vec::new();
    }
    let id = task.id;
    let due = task.timeline.due;
    let message = |code: ReasonCode| {
        assessment
            .reasons
            .iter()
            .find(|r| r.code == code)
            .map(|r| r.message.clone())
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    let mut push = |trigger: NoticeTrigger, facts: String, key: String| {
        if let Some(tier) = settings.tier_for(trigger) {
            found.push(Candidate {
                tier,
                trigger,
                facts,
                dedupe_key: key,
            });
        }
    };
    if assessment.has(ReasonCode::Overdue) {
        push(
            NoticeTrigger::Overdue,
            message(ReasonCode::Overdue),
            format!("overdue:{id}:{due}"),
        );
    }
    if let Some(latest_missing) = assessment.missing.last() {
        let facts = if assessment.has(ReasonCode::PeriodsMissing) {
            message(ReasonCode::PeriodsMissing)
        } else {
            message(ReasonCode::LastPeriodMissing)
        };
        if !facts.is_empty() {
            push(
                NoticeTrigger::ReportMissing,
                facts,
                format!("missing:{id}:{}", latest_missing.start_date()),
            );
        }
    }
    if assessment.has(ReasonCode::BehindPace) {
        push(
            NoticeTrigger::BehindPace,
            message(ReasonCode::BehindPace),
            format!("pace:{id}:{}-{:02}", today.year(), today.month()),
        );
    }
    if let Some(latest) = reports
        .iter()
        .filter(|r| r.submitted_at.is_some())
        .max_by_key(|r| r.period_start)
        && latest.returns >= 2
    {
        push(
            NoticeTrigger::ReturnedTwice,
            format!(
                "{}起的报告已被退回{}次，请按审核意见认真修改后重新报送",
                crate::tasks::format_date(latest.period_start),
                latest.returns
            ),
            format!("returned:{id}:{}", latest.period_start),
        );
    }
    if assessment.has(ReasonCode::DueSoon) {
        push(
            NoticeTrigger::DueSoon,
            message(ReasonCode::DueSoon),
            format!("due_soon:{id}:{due}"),
        );
    }
    found.sort_by_key(|c| std::cmp::Reverse(c.tier));
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn codes_round_trip_and_tiers_escalate_in_order() {
        for tier in NoticeTier::ALL {
            assert_eq!(NoticeTier::from_code(tier.code()).unwrap(), tier);
        }
        for t in NoticeTrigger::ALL {
            assert_eq!(NoticeTrigger::from_code(t.code()).unwrap(), t);
        }
        for s in NoticeState::ALL {
            assert_eq!(NoticeState::from_code(s.code()).unwrap(), s);
        }
        assert_eq!(NoticeTier::Blue.next(), Some(NoticeTier::Yellow));
        assert_eq!(NoticeTier::Yellow.next(), Some(NoticeTier::Red));
        assert_eq!(NoticeTier::Red.next(), None);
        assert!(NoticeTier::Red > NoticeTier::Blue);
        assert!(NoticeTier::from_code("purple").is_err());
    }

    #[test]
    fn candidates_follow_the_lights_and_the_settings() {
        use crate::tasks::{CadenceSettings, ReportState, assess};
        use chrono::TimeZone;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let task = crate::tasks::testing::weekly_task(9, d(3, 2), d(3, 31));
        // Wednesday 25 March, 10:00 in Beijing: due within 7 days, last week's report missing,
        // the week before returned twice.
        let now = Utc.with_ymd_and_hms(2026, 3, 25, 2, 0, 0).unwrap();
        let returned = ReportSummary {
            period_start: d(3, 9),
            submitted_at: Some(Utc.with_ymd_and_hms(2026, 3, 12, 2, 0, 0).unwrap()),
            state: ReportState::Returned,
            percent: 50.0,
            returns: 2,
        };
        let reports = [returned];
        let cadence = CadenceSettings::default();
        let assessment = assess(&task.facts(), &reports, now, &cadence);
        let today = crate::tasks::local_date(now);
        let found = candidates(
            &task,
            &assessment,
            &reports,
            today,
            &NoticeSettings::default(),
        );
        let got: Vec<(NoticeTier, NoticeTrigger, &str)> = found
            .iter()
            .map(|c| (c.tier, c.trigger, c.dedupe_key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    NoticeTier::Yellow,
                    NoticeTrigger::ReportMissing,
                    "missing:9:2026-03-16"
                ),
                (
                    NoticeTier::Yellow,
                    NoticeTrigger::ReturnedTwice,
                    "returned:9:2026-03-09"
                ),
                (
                    NoticeTier::Blue,
                    NoticeTrigger::DueSoon,
                    "due_soon:9:2026-03-31"
                ),
            ]
        );
        assert!(found.iter().all(|c| !c.facts.is_empty()));
        // A trigger switched off issues nothing; one moved to another tier issues that tier.
        let settings = NoticeSettings {
            report_missing: None,
            due_soon: Some(NoticeTier::Red),
            ..NoticeSettings::default()
        };
        let found = candidates(&task, &assessment, &reports, today, &settings);
        assert_eq!(found[0].tier, NoticeTier::Red);
        assert!(
            !found
                .iter()
                .any(|c| c.trigger == NoticeTrigger::ReportMissing)
        );
        // Nothing automatic when switched off, nor for a task without a lead unit.
        let off = NoticeSettings {
            automatic: false,
            ..NoticeSettings::default()
        };
        assert!(candidates(&task, &assessment, &reports, today, &off).is_empty());
        let mut orphan = task.clone();
        orphan.lead_unit = None;
        assert!(
            candidates(
                &orphan,
                &assessment,
                &reports,
                today,
                &NoticeSettings::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn settings_map_triggers_to_tiers_and_can_switch_one_off() {
        let mut s = NoticeSettings::default();
        assert_eq!(s.tier_for(NoticeTrigger::Overdue), Some(NoticeTier::Red));
        assert_eq!(s.tier_for(NoticeTrigger::DueSoon), Some(NoticeTier::Blue));
        assert_eq!(s.tier_for(NoticeTrigger::Manual), None);
        s.behind_pace = None;
        assert_eq!(s.tier_for(NoticeTrigger::BehindPace), None);
        let parsed: NoticeSettings = serde_json::from_str(
            r#"{"due_soon": "yellow", "behind_pace": "off", "reply_workdays_red": 1}"#,
        )
        .unwrap();
        assert_eq!(parsed.behind_pace, None);
        assert!(serde_json::from_str::<NoticeSettings>(r#"{"overdue": "purple"}"#).is_err());
        assert_eq!(
            serde_json::to_value(&parsed).unwrap()["behind_pace"],
            serde_json::json!("off")
        );
        assert_eq!(parsed.due_soon, Some(NoticeTier::Yellow));
        assert_eq!(parsed.reply_workdays(NoticeTier::Red), 1);
        assert_eq!(parsed.reply_workdays(NoticeTier::Blue), 5);
    }
}
