//! Settings of `duban serve`, in order of precedence: built-in defaults, then the TOML file given
//! by `--config FILE` (or `DUBAN_CONFIG`), then `DUBAN_*` environment variables, then flags
//! (`--listen`, `--data-dir`, `--database-url`, which clap reads from their own variables).
//! Everything is checked at start-up, with a Chinese message naming the bad setting.
//!
//! `config.example.toml` (embedded) documents every setting; a test checks that it parses.

use anyhow::{Context, anyhow, bail};
use chrono::{NaiveTime, Weekday};
use duban_core::tasks::CadenceSettings;
use duban_web::WebSettings;
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
    Ok(settings)
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
