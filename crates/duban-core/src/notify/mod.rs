//! Notifications: what happened (an event [`NotifyKind`]), who hears of it and where — the
//! in-app inbox (站内消息) of each user, e-mail, and the bureau's group robots (企业微信 / 钉钉).
//!
//! Core decides the messages ([`Dispatch`]); the store keeps them (inbox rows, and outbox rows
//! that a delivery worker outside core sends and retries). Each user chooses per kind whether it
//! reaches the inbox and e-mail ([`Preference`]); robots receive the kinds the configuration
//! lists for them. Nothing here sends anything.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::org::UserId;
use crate::tasks::RecordError;
use crate::tasks::records::stored_codes;

/// What a message is about; users choose per kind where it reaches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyKind {
    /// A period's report is due soon and not submitted (to the lead unit).
    ReportReminder,
    /// A task's deadline is near (to the lead unit).
    TaskReminder,
    /// A 督办单 was issued (to the unit; red ones also to the leader).
    NoticeIssued,
    /// A 督办单 was not answered in time (to supervisors and the leader).
    NoticeEscalated,
    /// A unit answered a 督办单 (to supervisors).
    NoticeAnswered,
    /// A meeting decided something for the unit (确定事项).
    MeetingDecision,
    /// The unit's report was returned (退回), with the reason (to the lead unit).
    ReportReturned,
    /// The unit's 办结/延期 request was decided (to the lead unit).
    RequestDecided,
}

stored_codes!(NotifyKind, "消息类型", {
    ReportReminder => "report_reminder",
    TaskReminder => "task_reminder",
    NoticeIssued => "notice_issued",
    NoticeEscalated => "notice_escalated",
    NoticeAnswered => "notice_answered",
    MeetingDecision => "meeting_decision",
    ReportReturned => "report_returned",
    RequestDecided => "request_decided",
});

impl NotifyKind {
    /// The name shown on the preferences page.
    pub fn label(self) -> &'static str {
        match self {
            NotifyKind::ReportReminder => "报送提醒（报告截止前未报送）",
            NotifyKind::TaskReminder => "完成时限提醒",
            NotifyKind::NoticeIssued => "收到督办单",
            NotifyKind::NoticeEscalated => "督办单逾期未反馈",
            NotifyKind::NoticeAnswered => "督办单已反馈",
            NotifyKind::MeetingDecision => "会议确定事项",
            NotifyKind::ReportReturned => "报告被退回",
            NotifyKind::RequestDecided => "办结、延期申请的审批结果",
        }
    }
}

/// A message for one user's inbox (and, if they chose so, their e-mail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// What it is about.
    pub kind: NotifyKind,
    /// One line.
    pub title: String,
    /// Markdown-free plain text (robots get it as markdown, where it reads the same).
    pub body: String,
    /// A path in duban (`/tasks/12`), if there is a page to open.
    pub link: Option<String>,
}

/// A stored inbox message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    /// Assigned by the store.
    pub id: i64,
    /// Whose inbox.
    pub user: UserId,
    /// What was said.
    pub message: Message,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
    /// When the user read it.
    pub read_at: Option<DateTime<Utc>>,
}

/// One message leaving duban: through a configured channel (`email`, or a robot's name) to a
/// recipient (an address for e-mail; the robot's name again for robots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// `email`, or the configured robot's name.
    pub channel: String,
    /// The e-mail address, or the robot's name.
    pub recipient: String,
    /// What was said.
    pub message: Message,
}

/// A stored outgoing message with its delivery state (the admins' 发送记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Assigned by the store.
    pub id: i64,
    /// Where it goes.
    pub outgoing: Outgoing,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before.
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure, in Chinese (never a secret).
    pub last_error: Option<String>,
    /// Delivered at.
    pub sent_at: Option<DateTime<Utc>>,
    /// Given up at (after too many failures or a permanent one).
    pub gave_up_at: Option<DateTime<Utc>>,
}

impl OutboxEntry {
    /// 已发送 / 发送失败（已放弃） / 等待重试 / 待发送.
    pub fn state_label(&self) -> &'static str {
        if self.sent_at.is_some() {
            "已发送"
        } else if self.gave_up_at.is_some() {
            "发送失败，已放弃"
        } else if self.attempts > 0 {
            "发送失败，等待重试"
        } else {
            "待发送"
        }
    }
}

/// Where one kind of event reaches one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// The kind.
    pub kind: NotifyKind,
    /// In the inbox.
    pub inbox: bool,
    /// By e-mail (when the user has an address).
    pub email: bool,
}

impl Preference {
    /// The default: everything in the inbox and by e-mail.
    pub fn default_for(kind: NotifyKind) -> Self {
        Preference {
            kind,
            inbox: true,
            email: true,
        }
    }
}

/// One user's choices: stored rows over the defaults, one per kind, in `NotifyKind::ALL` order.
pub fn preferences_with_defaults(stored: &[Preference]) -> Vec<Preference> {
    NotifyKind::ALL
        .into_iter()
        .map(|kind| {
            stored
                .iter()
                .find(|p| p.kind == kind)
                .copied()
                .unwrap_or_else(|| Preference::default_for(kind))
        })
        .collect()
}

/// Checks an e-mail address well enough to catch typing mistakes (one `@`, a dot in the domain,
/// no spaces, ≤ 254 characters). Empty means "no address".
pub fn check_email(text: &str) -> Result<Option<String>, RecordError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || RecordError("电子邮箱格式不正确，例如 zhangsan@example.gov.cn".into());
    let (local, domain) = text.split_once('@').ok_or_else(bad)?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && text.len() <= 254
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
    if plausible {
        Ok(Some(text.to_owned()))
    } else {
        Err(bad())
    }
}

/// Everything one event sends, stored atomically with the job mark (or the notice) that caused
/// it: inbox rows and outbox rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispatch {
    /// Inbox messages, per user.
    pub inbox: Vec<(UserId, Message)>,
    /// Outgoing messages.
    pub outgoing: Vec<Outgoing>,
}

impl Dispatch {
    /// Whether nothing would be sent.
    pub fn is_empty(&self) -> bool {
        self.inbox.is_empty() && self.outgoing.is_empty()
    }
}

/// The recipients' side of a dispatch: who they are, their address, their choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The user.
    pub user: UserId,
    /// Their e-mail address, if they gave one.
    pub email: Option<String>,
    /// Their choices (see [`preferences_with_defaults`]).
    pub preferences: Vec<Preference>,
}

/// A robot (group webhook) of the bureau and the kinds of event it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotRoute {
    /// The robot's configured name (the outbox channel).
    pub name: String,
    /// The kinds it receives.
    pub kinds: Vec<NotifyKind>,
}

/// Builds the dispatch of `message` to `recipients` (inbox and e-mail as each chose) and to the
/// robots that listen to its kind. `email_enabled`: whether an SMTP server is configured.
pub fn dispatch(
    message: &Message,
    recipients: &[Recipient],
    robots: &[RobotRoute],
    email_enabled: bool,
) -> Dispatch {
    let mut out = Dispatch::default();
    for r in recipients {
        let pref = r
            .preferences
            .iter()
            .find(|p| p.kind == message.kind)
            .copied()
            .unwrap_or_else(|| Preference::default_for(message.kind));
        if pref.inbox {
            out.inbox.push((r.user, message.clone()));
        }
        if let (true, true, Some(address)) = (pref.email, email_enabled, &r.email) {
            out.outgoing.push(Outgoing {
                channel: "email".into(),
                recipient: address.clone(),
                message: message.clone(),
            });
        }
    }
    for robot in robots.iter().filter(|r| r.kinds.contains(&message.kind)) {
        out.outgoing.push(Outgoing {
            channel: robot.name.clone(),
            recipient: robot.name.clone(),
            message: message.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn message(kind: NotifyKind) -> Message {
        Message {
            kind,
            title: "督〔2026〕3号 红色督办".into(),
            body: "任务已超期".into(),
            link: Some("/notices/3".into()),
        }
    }

    #[test]
    fn each_recipient_gets_what_they_chose_and_robots_what_they_listen_to() {
        let quiet = Recipient {
            user: UserId(1),
            email: Some("a@example.gov.cn".into()),
            preferences: vec![Preference {
                kind: NotifyKind::NoticeIssued,
                inbox: true,
                email: false,
            }],
        };
        let loud = Recipient {
            user: UserId(2),
            email: Some("b@example.gov.cn".into()),
            preferences: Vec::new(),
        };
        let no_address = Recipient {
            user: UserId(3),
            email: None,
            preferences: Vec::new(),
        };
        let robots = vec![
            RobotRoute {
                name: "督查群".into(),
                kinds: vec![NotifyKind::NoticeIssued],
            },
            RobotRoute {
                name: "会议群".into(),
                kinds: vec![NotifyKind::MeetingDecision],
            },
        ];
        let d = dispatch(
            &message(NotifyKind::NoticeIssued),
            &[quiet, loud, no_address],
            &robots,
            true,
        );
        let users: Vec<i64> = d.inbox.iter().map(|(u, _)| u.0).collect();
        assert_eq!(users, vec![1, 2, 3]);
        let out: Vec<(&str, &str)> = d
            .outgoing
            .iter()
            .map(|o| (o.channel.as_str(), o.recipient.as_str()))
            .collect();
        assert_eq!(
            out,
            vec![("email", "b@example.gov.cn"), ("督查群", "督查群")]
        );
        let without_smtp = dispatch(&message(NotifyKind::NoticeIssued), &[], &robots, false);
        assert_eq!(without_smtp.outgoing.len(), 1);
    }

    #[test]
    fn preferences_fill_in_defaults_and_emails_are_checked() {
        let stored = [Preference {
            kind: NotifyKind::TaskReminder,
            inbox: false,
            email: false,
        }];
        let all = preferences_with_defaults(&stored);
        assert_eq!(all.len(), NotifyKind::ALL.len());
        assert!(
            !all.iter()
                .find(|p| p.kind == NotifyKind::TaskReminder)
                .unwrap()
                .inbox
        );
        assert!(
            all.iter()
                .find(|p| p.kind == NotifyKind::ReportReminder)
                .unwrap()
                .inbox
        );
        assert_eq!(check_email("").unwrap(), None);
        assert_eq!(
            check_email(" zs@jyj.example.cn ").unwrap().as_deref(),
            Some("zs@jyj.example.cn")
        );
        for bad in [
            "zs", "zs@local", "zs@@a.cn", "z s@a.cn", "@a.cn", "zs@a.cn.",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
