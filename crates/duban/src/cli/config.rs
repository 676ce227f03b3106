//! Settings of `duban serve`, in order of precedence: built-in defaults, then the TOML file given
//! by `--config FILE` (or `DUBAN_CONFIG`), then `DUBAN_*` environment variables, then flags
//! (`--listen`, `--data-dir`, `--database-url`, which clap reads from their own variables).
//! Everything is checked at start-up, with a Chinese message naming the bad setting.
//!
//! `config.example.toml` (embedded) documents every setting; a test checks that it parses.

use anyhow::{Context, anyhow, bail};
use chrono::{NaiveTime, Weekday};
use duban_core::notify::NotifyKind;
use duban_core::reminders::ReminderSettings;
use duban_core::supervision::notices::NoticeSettings;
use duban_core::tasks::CadenceSettings;
use duban_web::WebSettings;
use duban_web::state::{NotifySettings, Robot};
use serde::Deserialize;

/// The example configuration, every setting with its default.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// The file's shape; every field optional (a missing one keeps the default).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[web]`.
    #[serde(default)]
    pub web: WebSection,
    /// `[reporting]`.
    #[serde(default)]
    pub reporting: ReportingSection,
    /// `[reminders]`.
    #[serde(default)]
    pub reminders: RemindersSection,
    /// `[notices]` (督办单 tiers and reply times), checked by core's own type.
    #[serde(default)]
    pub notices: NoticeSettings,
    /// `[notify]`.
    #[serde(default)]
    pub notify: NotifySection,
}

/// `[reminders]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersSection {
    /// Local time reminders go out, `HH:MM`.
    pub send_at: Option<String>,
    /// Nothing goes out from this local time on, `HH:MM`.
    pub send_until: Option<String>,
    /// Workdays before a report deadline.
    pub report_workdays_before: Option<u32>,
    /// Workdays before a task deadline, one reminder each.
    pub task_workdays_before: Option<Vec<u32>>,
}

/// `[notify]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySection {
    /// The address pages are reached at, for links in outgoing messages.
    pub public_url: Option<String>,
    /// `[[notify.robot]]`.
    #[serde(default)]
    pub robot: Vec<RobotSection>,
    /// `[notify.smtp]`.
    pub smtp: Option<SmtpSection>,
}

/// `[[notify.robot]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobotSection {
    /// Unique name.
    pub name: String,
    /// `wecom` or `dingtalk`.
    pub kind: String,
    /// The webhook URL (with its key or access token).
    pub url: String,
    /// 钉钉 signing secret.
    pub secret: Option<String>,
    /// Event kinds it receives (`NotifyKind` codes).
    #[serde(default)]
    pub events: Vec<String>,
}

/// `[notify.smtp]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    /// Server host.
    pub host: String,
    /// Port (default by security: 25, 587, 465).
    pub port: Option<u16>,
    /// `none`, `starttls` or `tls` (default `tls`).
    pub security: Option<String>,
    /// Login name.
    pub username: Option<String>,
    /// Password (or `DUBAN_SMTP_PASSWORD`).
    pub password: Option<String>,
    /// The From header.
    pub from: String,
}

/// `[web]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSection {
    /// Largest plan upload, in MB.
    pub max_upload_mb: Option<usize>,
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: Option<bool>,
}

/// `[reporting]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingSection {
    /// Weekday of the weekly report deadline: 1 = Monday … 7 = Sunday.
    pub weekly_deadline_weekday: Option<u8>,
    /// Local time of report deadlines, `HH:MM`.
    pub deadline_time: Option<String>,
    /// 黄灯: due within this many days.
    pub yellow_window_days: Option<u32>,
    /// 黄灯: more than this many points behind 序时进度.
    pub behind_pace_points: Option<f64>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_env<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    env(name)
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| anyhow!("环境变量 {name} 的值“{v}”无效"))
        })
        .transpose()
}

/// Reads the file (if any) and the `DUBAN_*` variables into web settings for `data_dir`.
pub fn load(
    path: Option<&std::path::Path>,
    data_dir: &std::path::Path,
) -> anyhow::Result<WebSettings> {
    let file: FileConfig = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取配置文件 {}", p.display()))?;
            parse(&text).with_context(|| format!("配置文件 {} 有误", p.display()))?
        }
        None => FileConfig::default(),
    };
    let mut settings = WebSettings::new(data_dir);
    let web = file.web;
    let rep = file.reporting;
    if let Some(mb) = parse_env::<usize>("DUBAN_MAX_UPLOAD_MB")?.or(web.max_upload_mb) {
        if !(1..=100).contains(&mb) {
            bail!("max_upload_mb 须在1到100之间（现为{mb}）");
        }
        settings.max_upload_bytes = mb * 1024 * 1024;
    }
    if let Some(secure) = parse_env::<bool>("DUBAN_SECURE_COOKIES")?.or(web.secure_cookies) {
        settings.secure_cookies = secure;
    }
    settings.cadence = cadence(
        parse_env("DUBAN_WEEKLY_DEADLINE_WEEKDAY")?.or(rep.weekly_deadline_weekday),
        env("DUBAN_DEADLINE_TIME").or(rep.deadline_time),
        parse_env("DUBAN_YELLOW_WINDOW_DAYS")?.or(rep.yellow_window_days),
        parse_env("DUBAN_BEHIND_PACE_POINTS")?.or(rep.behind_pace_points),
    )?;
    settings.scheduler.reminders = reminders(file.reminders)?;
    settings.scheduler.notices = file.notices;
    settings.notify = notify(file.notify, env("DUBAN_SMTP_PASSWORD"))?;
    Ok(settings)
}

fn clock_time(name: &str, text: &str) -> anyhow::Result<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| anyhow!("{name} 须为 HH:MM 格式（现为“{text}”）"))
}

fn reminders(section: RemindersSection) -> anyhow::Result<ReminderSettings> {
    let mut r = ReminderSettings::default();
    if let Some(t) = section.send_at {
        r.send_at = clock_time("reminders.send_at", &t)?;
    }
    if let Some(t) = section.send_until {
        r.send_until = clock_time("reminders.send_until", &t)?;
    }
    if r.send_until <= r.send_at {
        bail!("reminders.send_until 须晚于 send_at");
    }
    if let Some(n) = section.report_workdays_before {
        if n > 20 {
            bail!("reminders.report_workdays_before 不能超过20（现为{n}）");
        }
        r.report_workdays_before = n;
    }
    if let Some(list) = section.task_workdays_before {
        if list.iter().any(|n| *n > 60) {
            bail!("reminders.task_workdays_before 中的天数不能超过60");
        }
        r.task_workdays_before = list;
    }
    Ok(r)
}

fn notify(section: NotifySection, smtp_password: Option<String>) -> anyhow::Result<NotifySettings> {
    let mut robots: Vec<Robot> = Vec::new();
    for r in section.robot {
        let name = r.name.trim().to_owned();
        if name.is_empty() || name == "email" {
            bail!("notify.robot 的 name 不能为空，也不能叫 email");
        }
        if robots.iter().any(|x| x.name == name) {
            bail!("notify.robot 的名称“{name}”重复");
        }
        let kind = duban_notify::WebhookKind::parse(&r.kind).ok_or_else(|| {
            anyhow!(
                "机器人“{name}”的 kind 须为 wecom 或 dingtalk（现为“{}”）",
                r.kind
            )
        })?;
        if !(r.url.starts_with("https://") || r.url.starts_with("http://")) {
            // The URL itself is not repeated: it carries the robot's key.
            bail!("机器人“{name}”的 url 须以 https:// 开头");
        }
        let kinds = r
            .events
            .iter()
            .map(|e| {
                NotifyKind::from_code(e)
                    .map_err(|_| anyhow!("机器人“{name}”的 events 中有未知的消息类型“{e}”"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        robots.push(Robot {
            name,
            webhook: duban_notify::Webhook {
                kind,
                url: r.url,
                secret: r.secret.filter(|s| !s.is_empty()),
            },
            kinds,
        });
    }
    let smtp = match section.smtp {
        None => None,
        Some(s) => {
            let security = match s.security.as_deref().unwrap_or("tls") {
                "none" => duban_notify::SmtpSecurity::None,
                "starttls" => duban_notify::SmtpSecurity::StartTls,
                "tls" => duban_notify::SmtpSecurity::Tls,
                other => bail!("notify.smtp.security 须为 none、starttls 或 tls（现为“{other}”）"),
            };
            if s.host.trim().is_empty() || s.from.trim().is_empty() {
                bail!("notify.smtp 须填写 host 和 from");
            }
            Some(duban_notify::SmtpConfig {
                host: s.host.trim().to_owned(),
                port: s.port.unwrap_or_else(|| security.default_port()),
                security,
                username: s.username.filter(|u| !u.is_empty()),
                password: smtp_password.or(s.password).filter(|p| !p.is_empty()),
                from: s.from,
                timeout: std::time::Duration::from_secs(30),
            })
        }
    };
    Ok(NotifySettings {
        robots,
        smtp,
        public_url: section.public_url.unwrap_or_default().trim().to_owned(),
    })
}

/// Parses a configuration file's text.
pub fn parse(text: &str) -> anyhow::Result<FileConfig> {
    toml::from_str(text).map_err(|e| anyhow!("{e}"))
}

fn cadence(
    weekday: Option<u8>,
    time: Option<String>,
    yellow: Option<u32>,
    behind: Option<f64>,
) -> anyhow::Result<CadenceSettings> {
    let mut c = CadenceSettings::default();
    if let Some(d) = weekday {
        c.weekly.weekday = match d {
            1 => Weekday::Mon,
            2 => Weekday::Tue,
            3 => Weekday::Wed,
            4 => Weekday::Thu,
            5 => Weekday::Fri,
            6 => Weekday::Sat,
            7 => Weekday::Sun,
            _ => bail!("weekly_deadline_weekday 须为1（周一）到7（周日）（现为{d}）"),
        };
    }
    if let Some(t) = time {
        let t = NaiveTime::parse_from_str(t.trim(), "%H:%M")
            .map_err(|_| anyhow!("deadline_time 须为 HH:MM 格式（现为“{t}”）"))?;
        c.weekly.time = t;
        c.monthly.time = t;
        c.quarterly.time = t;
    }
    if let Some(y) = yellow {
        if y > 90 {
            bail!("yellow_window_days 不能超过90（现为{y}）");
        }
        c.yellow_window_days = y;
    }
    if let Some(b) = behind {
        if !(0.0..=100.0).contains(&b) {
            bail!("behind_pace_points 须在0到100之间（现为{b}）");
        }
        c.behind_pace_points = b;
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_example_parses_and_gives_the_defaults() {
        let f = parse(EXAMPLE).unwrap();
        let r = f.reporting;
        let c = cadence(
            r.weekly_deadline_weekday,
            r.deadline_time,
            r.yellow_window_days,
            r.behind_pace_points,
        )
        .unwrap();
        assert_eq!(c, CadenceSettings::default());
        assert_eq!(f.web.max_upload_mb, Some(10));
        assert_eq!(reminders(f.reminders).unwrap(), ReminderSettings::default());
        assert_eq!(f.notices, NoticeSettings::default());
        assert_eq!(notify(f.notify, None).unwrap(), NotifySettings::default());
    }

    #[test]
    fn robots_and_smtp_are_read_and_checked() {
        let text = r#"
[notices]
behind_pace = "off"
overdue = "red"
[notify]
public_url = "https://duban.example.gov.cn"
[[notify.robot]]
name = "督查群"
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
secret = "SECxyz"
events = ["notice_issued", "meeting_decision"]
[notify.smtp]
host = "smtp.example.gov.cn"
security = "starttls"
from = "督查室 <duban@example.gov.cn>"
password = "from-file"
"#;
        let f = parse(text).unwrap();
        assert_eq!(f.notices.behind_pace, None);
        let n = notify(f.notify, Some("from-env".into())).unwrap();
        assert_eq!(
            n.robots[0].kinds,
            [NotifyKind::NoticeIssued, NotifyKind::MeetingDecision]
        );
        assert_eq!(n.robots[0].webhook.secret.as_deref(), Some("SECxyz"));
        let smtp = n.smtp.unwrap();
        assert_eq!(smtp.port, 587);
        assert_eq!(smtp.password.as_deref(), Some("from-env"));
        for bad in [
            "[[notify.robot]]\nname = \"a\"\nkind = \"slack\"\nurl = \"https://x\"",
            "[[notify.robot]]\nname = \"a\"\nkind = \"wecom\"\nurl = \"https://x\"\nevents = [\"lunch\"]",
            "[notify.smtp]\nhost = \"h\"\nfrom = \"f\"\nsecurity = \"ssl\"",
        ] {
            let f = parse(&bad.replace("\\n", "\n")).unwrap();
            assert!(notify(f.notify, None).is_err(), "{bad}");
        }
        assert!(parse("[notices]\noverdue = \"purple\"").is_err());
        let r = RemindersSection {
            send_at: Some("18:00".into()),
            send_until: Some("09:00".into()),
            ..RemindersSection::default()
        };
        assert!(reminders(r).is_err());
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(parse("[web]\nmax_upload = 3").is_err());
        let e = cadence(Some(8), None, None, None).unwrap_err().to_string();
        assert!(e.contains("weekly_deadline_weekday"), "{e}");
        let e = cadence(None, Some("25:00".into()), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("deadline_time"), "{e}");
        let c = cadence(Some(4), Some("16:30".into()), Some(10), Some(15.0)).unwrap();
        assert_eq!(c.weekly.weekday, Weekday::Thu);
        assert_eq!(c.yellow_window_days, 10);
    }
}
