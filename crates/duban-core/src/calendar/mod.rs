//! The working calendar: which days the bureau works. Monday to Friday, except public holidays
//! (放假), plus the weekend days worked in their place (调休上班). Report deadlines and reminders
//! that fall on a day off move to a working day; this module answers the questions they ask.
//! The days themselves live in the store (seeded with the published arrangements, edited by
//! admins); nothing here reads a clock.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What an exceptional day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: no work, even on a weekday.
    Holiday,
    /// 调休上班: work, even on a weekend.
    Workday,
}

impl DayKind {
    /// The stable machine name stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// Parses a name written by [`DayKind::code`].
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }

    /// 放假 / 调休上班.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }
}

/// One exceptional day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The date.
    pub date: NaiveDate,
    /// Holiday or make-up workday.
    pub kind: DayKind,
    /// Why (e.g. 春节, 国庆节调休上班), 1–50 characters.
    pub name: String,
}

impl CalendarDay {
    /// Validates a day an admin entered: a name of 1–50 characters; a make-up workday must
    /// fall on a weekend and a holiday is pointless on one (both would change nothing).
    pub fn new(date: NaiveDate, kind: DayKind, name: &str) -> Result<Self, String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err("名称须为1到50个字".into());
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        match kind {
            DayKind::Workday if !weekend => {
                return Err(format!("{date} 本来就是工作日，无需设为调休上班"));
            }
            DayKind::Holiday if weekend => {
                return Err(format!("{date} 是周末，本来就不上班"));
            }
            _ => {}
        }
        Ok(Self {
            date,
            kind,
            name: name.to_owned(),
        })
    }
}

/// The bureau's working calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, CalendarDay>,
}

impl WorkCalendar {
    /// A calendar with these exceptional days (a later entry for the same date wins).
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        Self {
            days: days.into_iter().map(|d| (d.date, d)).collect(),
        }
    }

    /// Whether people work on `date`.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The exceptional day on `date`, if any (for showing why).
    pub fn day(&self, date: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// `date` itself when it is a workday, else the last workday before it (a deadline that
    /// falls on a holiday is due before the holiday starts).
    pub fn workday_on_or_before(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        // A year has far fewer than 60 days off in a row; the bound keeps a broken table
        // (every day a holiday) from looping.
        for _ in 0..60 {
            if self.is_workday(d) {
                return d;
            }
            d -= Duration::days(1);
        }
        date
    }

    /// `date` itself when it is a workday, else the first workday after it.
    pub fn workday_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        for _ in 0..60 {
            if self.is_workday(d) {
                return d;
            }
            d += Duration::days(1);
        }
        date
    }

    /// The workday `n` workdays before `date` (counting from the workday on or before it):
    /// `n = 0` is that workday itself. Used to place reminders before a deadline.
    pub fn workdays_before(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = self.workday_on_or_before(date);
        for _ in 0..n {
            d = self.workday_on_or_before(d - Duration::days(1));
        }
        d
    }

    /// The workday `n` workdays after `date` (`n = 0`: the workday on or after it). Used for
    /// reply-by dates: issued on Monday with 3 working days to answer → Thursday.
    pub fn workdays_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        for _ in 0..n {
            d = self.workday_on_or_after(d + Duration::days(1));
        }
        self.workday_on_or_after(d)
    }

    /// The exceptional days of `year`, by date.
    pub fn days_of_year(&self, year: i32) -> Vec<&CalendarDay> {
        self.days
            .values()
            .filter(|d| d.date.year() == year)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn spring_festival_2026() -> WorkCalendar {
        let mut days: Vec<CalendarDay> = (15..=23)
            .map(|d| CalendarDay::new(date(2026, 2, d), DayKind::Holiday, "春节"))
            .filter_map(Result::ok)
            .collect();
        // 15, 21 and 22 February are weekend days: recorded as holidays in the published
        // arrangement, they change nothing.
        days.extend(
            [
                (15, DayKind::Holiday),
                (21, DayKind::Holiday),
                (22, DayKind::Holiday),
            ]
            .map(|(d, kind)| CalendarDay {
                date: date(2026, 2, d),
                kind,
                name: "春节".into(),
            }),
        );
        days.push(CalendarDay::new(date(2026, 2, 14), DayKind::Workday, "春节调休上班").unwrap());
        days.push(CalendarDay::new(date(2026, 2, 28), DayKind::Workday, "春节调休上班").unwrap());
        WorkCalendar::new(days)
    }

    #[test]
    fn weekdays_work_weekends_rest_unless_the_calendar_says_otherwise() {
        let cal = spring_festival_2026();
        assert!(cal.is_workday(date(2026, 2, 13))); // Friday
        assert!(cal.is_workday(date(2026, 2, 14))); // Saturday, 调休上班
        assert!(!cal.is_workday(date(2026, 2, 16))); // Monday, 春节
        assert!(!cal.is_workday(date(2026, 2, 20))); // Friday, 春节
        assert!(cal.is_workday(date(2026, 2, 24))); // Tuesday after
        assert!(!cal.is_workday(date(2026, 3, 1))); // an ordinary Sunday
    }

    #[test]
    fn a_deadline_on_a_holiday_moves_to_the_workday_before_it() {
        let cal = spring_festival_2026();
        // The weekly Friday deadline of 20 February falls in the holiday: due Saturday 14th,
        // the last working day before it.
        assert_eq!(
            cal.workday_on_or_before(date(2026, 2, 20)),
            date(2026, 2, 14)
        );
        assert_eq!(
            cal.workday_on_or_after(date(2026, 2, 20)),
            date(2026, 2, 24)
        );
        assert_eq!(
            cal.workday_on_or_before(date(2026, 2, 13)),
            date(2026, 2, 13)
        );
        let broken = WorkCalendar::new((0..400).map(|i| CalendarDay {
            date: date(2026, 1, 1) + Duration::days(i),
            kind: DayKind::Holiday,
            name: "x".into(),
        }));
        assert_eq!(
            broken.workday_on_or_before(date(2026, 6, 1)),
            date(2026, 6, 1)
        );
    }

    #[test]
    fn admins_cannot_enter_days_that_change_nothing() {
        assert!(CalendarDay::new(date(2026, 2, 13), DayKind::Workday, "x").is_err());
        assert!(CalendarDay::new(date(2026, 2, 14), DayKind::Holiday, "x").is_err());
        assert!(CalendarDay::new(date(2026, 2, 16), DayKind::Holiday, " ").is_err());
        assert!(CalendarDay::new(date(2026, 2, 16), DayKind::Holiday, "春节").is_ok());
    }
}
