//! Dates: the only module that parses or formats one.
//!
//! Three kinds of date reach newsdex, and each has one type here:
//!
//! - [`EntryDate`]: when an entry was reported. Either a calendar day (a page says
//!   "October 29, 2024") or an instant in UTC (a feed says
//!   `Tue, 29 Oct 2024 14:05:00 +0100`). Written as `YYYY-MM-DD` or as RFC 3339 with `Z`.
//! - Dates printed in news text, read by [`parse_text_date`]: `October 29, 2024`,
//!   `Oct. 29, 2024`, `Sunday, June 23, 2019`, `29 October 2024`, `29. Oktober 2024`,
//!   `29.10.2024`, `2024-10-29`, RFC 2822 (`Tue, 29 Oct 2024 14:05:00 +0100`, also with
//!   named zones such as `EST`), RFC 3339, and a day with a time of day and zone in either
//!   order (`17:14 Greenwich Mean Time 31 January 2020`, `October 29, 2024, 14:05 CET`).
//!   Offsets are converted to UTC. Live-blog time stamps (`17:05The ...`) are read by
//!   [`clock_prefix`] and placed on a day by [`EntryDate::at_local_time`]; zone names by
//!   [`zone_offset_minutes`].
//! - [`DateSpan`]: a bound typed by a user (`--from`, `--to`, `date:` in a query):
//!   `2024`, `2024-10`, `2024-10-28` or an RFC 3339 timestamp, each covering the whole
//!   year, month, day or second it names. [`DateRange`] joins two of them into the
//!   half-open interval a search filters on.
//! - [`Since`]: how far back `--since` reaches (`7d`, `2w`, `3m`, `1y`, `12h`), resolved
//!   against a [`Clock`] that tests can stop (`NEWSDEX_NOW`).
//! - [`Interval`]: the calendar buckets of a timeline (day, Monday-based week, month, year).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// When an entry was reported: a day when only the day is known, an instant otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryDate {
    /// Only the calendar day is known.
    Day(NaiveDate),
    /// The time is known too; always held in UTC.
    Instant(DateTime<Utc>),
}

impl EntryDate {
    /// The instant used for indexing, filtering and sorting: a day counts as its midnight UTC.
    pub fn timestamp(&self) -> DateTime<Utc> {
        match *self {
            EntryDate::Day(day) => day.and_time(NaiveTime::MIN).and_utc(),
            EntryDate::Instant(t) => t,
        }
    }

    /// The calendar day (in UTC).
    pub fn day(&self) -> NaiveDate {
        match *self {
            EntryDate::Day(day) => day,
            EntryDate::Instant(t) => t.date_naive(),
        }
    }

    /// The instant `hour:minute` UTC on this date's day (live-blog time stamps).
    pub fn at_time(&self, hour: u32, minute: u32) -> Option<EntryDate> {
        self.at_local_time(hour, minute, 0)
    }

    /// The instant `hour:minute` on this date's day in a zone `offset_minutes` east of UTC,
    /// held in UTC.
    pub fn at_local_time(&self, hour: u32, minute: u32, offset_minutes: i32) -> Option<EntryDate> {
        let time = NaiveTime::from_hms_opt(hour, minute, 0)?;
        let local = self.day().and_time(time).and_utc();
        Some(EntryDate::Instant(local - Duration::minutes(offset_minutes.into())))
    }
}

impl fmt::Display for EntryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryDate::Day(day) => write!(f, "{:04}-{:02}-{:02}", day.year(), day.month(), day.day()),
            EntryDate::Instant(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        }
    }
}

impl FromStr for EntryDate {
    type Err = DateError;

    /// Reads any date form news uses (see [`parse_text_date`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_text_date(s).ok_or_else(|| DateError::new(s, "not a date newsdex can read"))
    }
}

impl Serialize for EntryDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EntryDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A date the user typed that newsdex could not read; names the input and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input:?}: {reason}")]
pub struct DateError {
    /// What was typed.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl DateError {
    fn new(input: &str, reason: impl Into<String>) -> DateError {
        DateError { input: input.to_string(), reason: reason.into() }
    }
}

const BOUND_FORMS: &str = "expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 timestamp such as 2024-10-28T14:00:00Z";

/// The stretch of time a user's bound names: all of `2024`, all of `2024-10`, all of a day,
/// or the one second of a timestamp. `start` is inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    /// First instant covered.
    pub start: DateTime<Utc>,
    /// First instant after the span.
    pub end: DateTime<Utc>,
}

impl FromStr for DateSpan {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_bound(s)
    }
}

/// Reads a user's date bound (`2024`, `2024-10`, `2024-10-28`, RFC 3339).
pub fn parse_bound(input: &str) -> Result<DateSpan, DateError> {
    let s = input.trim();
    let err = |reason: &str| DateError::new(input, format!("{reason}; {BOUND_FORMS}"));
    if s.is_empty() {
        return Err(err("empty date"));
    }
    if s.contains('T') || s.contains('t') || (s.len() > 10 && s.contains(':')) {
        let t = DateTime::parse_from_rfc3339(s).map_err(|e| err(&format!("not a valid RFC 3339 timestamp ({e})")))?;
        let start = t.with_timezone(&Utc);
        return Ok(DateSpan { start, end: start + Duration::seconds(1) });
    }
    let parts: Vec<&str> = s.split('-').collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) || parts.len() > 3 {
        return Err(err("not a date"));
    }
    if parts[0].len() != 4 {
        return Err(err("the year must have four digits"));
    }
    let year: i32 = parts[0].parse().map_err(|_| err("bad year"))?;
    let month: Option<u32> = match parts.get(1) {
        Some(m) if m.len() <= 2 => Some(m.parse().map_err(|_| err("bad month"))?),
        Some(_) => return Err(err("the month must have one or two digits")),
        None => None,
    };
    let day: Option<u32> = match parts.get(2) {
        Some(d) if d.len() <= 2 => Some(d.parse().map_err(|_| err("bad day"))?),
        Some(_) => return Err(err("the day must have one or two digits")),
        None => None,
    };
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(err(&format!("month {m} does not exist")));
        }
    }
    let (first, next) = match (month, day) {
        (None, _) => {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| err("year out of range"))?;
            (first, NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| err("year out of range"))?)
        }
        (Some(m), None) => {
            let first = NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(|| err("year out of range"))?;
            (first, first_of_next_month(first).ok_or_else(|| err("year out of range"))?)
        }
        (Some(m), Some(d)) => {
            let first = NaiveDate::from_ymd_opt(year, m, d)
                .ok_or_else(|| err(&format!("day {d} does not exist in {year}-{m:02}")))?;
            (first, first.succ_opt().ok_or_else(|| err("year out of range"))?)
        }
    };
    Ok(DateSpan { start: midnight(first), end: midnight(next) })
}

/// How far back `--since` reaches: an age (`7d`, `2w`, `3m`, `1y`, `12h`) counted back from
/// a [`Clock`], or a date bound like `--from` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// A number of hours, days, weeks, months or years before now.
    Ago(u32, AgeUnit),
    /// From the start of a date (as `--from`).
    Date(DateSpan),
}

/// The unit of an age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeUnit {
    /// `h`: exactly that many hours before now.
    Hour,
    /// `d`: from the start of the day that many days before today.
    Day,
    /// `w`: from the start of the day that many weeks before today.
    Week,
    /// `m`: from the start of the same day that many calendar months before.
    Month,
    /// `y`: from the start of the same day that many calendar years before.
    Year,
}

/// Reads a `--since` value: `7d`, `2w`, `3m`, `1y`, `12h` or a date bound (`2024-10`).
pub fn parse_since(input: &str) -> Result<Since, DateError> {
    let s = input.trim();
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let unit = match &s[digits..] {
        "h" => Some(AgeUnit::Hour),
        "d" => Some(AgeUnit::Day),
        "w" => Some(AgeUnit::Week),
        "m" => Some(AgeUnit::Month),
        "y" => Some(AgeUnit::Year),
        _ => None,
    };
    match unit {
        Some(unit) if digits > 0 => {
            let n: u32 = s[..digits]
                .parse()
                .ok()
                .filter(|n| *n <= 100_000)
                .ok_or_else(|| DateError::new(input, "too far back (at most 100000 units)"))?;
            Ok(Since::Ago(n, unit))
        }
        _ => parse_bound(s).map(Since::Date).map_err(|_| {
            DateError::new(
                input,
                format!("expected an age such as 7d, 2w, 3m, 1y or 12h (hours, days, weeks, months, years), or a date; {BOUND_FORMS}"),
            )
        }),
    }
}

impl Since {
    /// The first instant covered, counted back from the clock's now.
    pub fn start(&self, clock: &Clock) -> DateTime<Utc> {
        let now = clock.now();
        let today = now.date_naive();
        let day = |d: Option<NaiveDate>| midnight(d.unwrap_or(NaiveDate::MIN));
        match *self {
            Since::Date(span) => span.start,
            Since::Ago(n, AgeUnit::Hour) => now - Duration::hours(i64::from(n)),
            Since::Ago(n, AgeUnit::Day) => day(today.checked_sub_signed(Duration::days(i64::from(n)))),
            Since::Ago(n, AgeUnit::Week) => day(today.checked_sub_signed(Duration::weeks(i64::from(n)))),
            Since::Ago(n, AgeUnit::Month) => day(today.checked_sub_months(chrono::Months::new(n))),
            Since::Ago(n, AgeUnit::Year) => day(today.checked_sub_months(chrono::Months::new(n.saturating_mul(12)))),
        }
    }
}

/// Where "now" comes from: the system clock, or a fixed instant (tests, reproducible runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock stopped at `now`.
    pub fn fixed(now: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(now) }
    }

    /// A clock stopped at the start of a bound the user typed (`2024-11-05`,
    /// `2024-11-05T12:00:00Z`); the system clock when there is none.
    pub fn from_setting(setting: Option<&str>) -> Result<Clock, DateError> {
        match setting.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Clock::system()),
            Some(text) => parse_bound(text).map(|span| Clock::fixed(span.start)),
        }
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }
}

/// The half-open interval `[from, to)` a search keeps; an absent side is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// Inclusive lower bound.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub to: Option<DateTime<Utc>>,
}

/// Why date bounds leave no date at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyRange {
    /// The lower bound is after the upper one.
    FromAfterTo,
    /// The start of the age asked for is after the upper bound.
    SinceAfterTo,
}

impl DateRange {
    /// The range from the start of `from` to the end of `to` (both bounds inclusive of the
    /// whole year, month, day or second they name).
    pub fn between(from: Option<&DateSpan>, to: Option<&DateSpan>) -> DateRange {
        DateRange { from: from.map(|s| s.start), to: to.map(|s| s.end) }
    }

    /// The range `from` and `to` leave (as [`DateRange::between`]), cut to what follows
    /// `since` when given; an error says which bound leaves no date.
    pub fn bounded(
        from: Option<&DateSpan>,
        to: Option<&DateSpan>,
        since: Option<DateTime<Utc>>,
    ) -> Result<DateRange, EmptyRange> {
        let mut range = DateRange::between(from, to);
        if range.is_empty() {
            return Err(EmptyRange::FromAfterTo);
        }
        if let Some(start) = since {
            range = range.intersect(&DateRange { from: Some(start), to: None });
            if range.is_empty() {
                return Err(EmptyRange::SinceAfterTo);
            }
        }
        Ok(range)
    }

    /// Exactly the span.
    pub fn of_span(span: &DateSpan) -> DateRange {
        DateRange { from: Some(span.start), to: Some(span.end) }
    }

    /// True when neither side is bounded.
    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// True when no instant can fall inside.
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.to), (Some(a), Some(b)) if a >= b)
    }

    /// The overlap of two ranges.
    pub fn intersect(&self, other: &DateRange) -> DateRange {
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        DateRange { from, to }
    }

    /// Whether the instant falls inside.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|e| t < e)
    }
}

/// The width of a timeline's buckets. Weeks start on Monday; months and years are calendar
/// months and years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// One day.
    Day,
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Interval {
    /// The lower-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// The interval that draws the days from `first` to `last` in a readable number of
    /// buckets (at most about 60): days for two months, weeks for a year, months for six
    /// years, years beyond.
    pub fn for_span(first: NaiveDate, last: NaiveDate) -> Interval {
        match (last - first).num_days() {
            ..=60 => Interval::Day,
            61..=371 => Interval::Week,
            372..=2192 => Interval::Month,
            _ => Interval::Year,
        }
    }

    /// The first day of the bucket holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => day,
            Interval::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Interval::Month => day.with_day(1).unwrap_or(day),
            Interval::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
        }
    }

    /// How a bucket starting on `start` is labelled: `2024-10-29`, `week of 2024-10-28`,
    /// `2024-10`, `2024`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Interval::Day => start.format("%Y-%m-%d").to_string(),
            Interval::Week => start.format("week of %Y-%m-%d").to_string(),
            Interval::Month => start.format("%Y-%m").to_string(),
            Interval::Year => start.format("%Y").to_string(),
        }
    }

    /// The first day of the bucket after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Day => start.succ_opt(),
            Interval::Week => start.checked_add_signed(Duration::days(7)),
            Interval::Month => first_of_next_month(start),
            Interval::Year => NaiveDate::from_ymd_opt(start.year() + 1, 1, 1),
        }
    }
}

/// The UTC day a Unix timestamp (seconds) falls on, as a number of days since 1970-01-01.
pub fn unix_day(seconds: i64) -> i64 {
    seconds.div_euclid(86_400)
}

/// The date of a number of days since 1970-01-01.
pub fn date_of_unix_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(Duration::try_days(day)?)
}

/// Formats a calendar day as `YYYY-MM-DD`.
pub fn format_day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Midnight UTC at the start of a day.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn first_of_next_month(d: NaiveDate) -> Option<NaiveDate> {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
}

/// Formats an instant as RFC 3339 UTC with a `Z`, to the second.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Reads a date as news text prints it. Returns `None` when the whole (trimmed) text is not
/// one date; see the module doc for the forms understood.
pub fn parse_text_date(text: &str) -> Option<EntryDate> {
    let s = text.trim().trim_end_matches(['.', ',']).trim();
    if s.is_empty() || s.len() > 80 || !could_be_date(s) {
        return None;
    }
    // Digits and separators alone can only be a numeric date; stored entries carry their
    // days in this form, so it is tried before the parsers that need letters or a clock.
    if let Some(d) = parse_numeric_date(s) {
        return Some(EntryDate::Day(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(EntryDate::Instant(t.with_timezone(&Utc)));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(EntryDate::Instant(t.with_timezone(&Utc)));
    }
    if let Some(t) = parse_rfc2822_named_zone(s) {
        return Some(EntryDate::Instant(t));
    }
    if s.len() >= 16 && s.as_bytes()[4] == b'-' {
        for form in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, form) {
                return Some(EntryDate::Instant(t.and_utc()));
            }
        }
    }
    parse_worded_date(s).map(EntryDate::Day).or_else(|| parse_date_with_clock(s))
}

/// A cheap test that rejects most text before any parser runs: every form holds a digit and
/// starts with a digit, a month or a weekday.
fn could_be_date(s: &str) -> bool {
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let first = s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    first.bytes().next().is_some_and(|b| b.is_ascii_digit()) || month_number(first).is_some() || is_weekday(first)
}

/// `2024-10-29`, `2024/10/29`, `29.10.2024`, `20241029`.
fn parse_numeric_date(s: &str) -> Option<NaiveDate> {
    if !s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'.')) {
        return None;
    }
    if let [_, _, _, _, b'-', _, _, b'-', _, _] = s.as_bytes() {
        // The common form, read without a format string.
        let number = |at: std::ops::Range<usize>| s.get(at)?.parse::<u32>().ok();
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        return NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day).filter(|d| d.year() >= 1000);
    }
    ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d"]
        .iter()
        .filter_map(|form| NaiveDate::parse_from_str(s, form).ok())
        .find(|d| (1000..=9999).contains(&d.year()))
}

/// A US-style numeric date, month first: `01/04/63`, `1/4/1963`, `08/30 63` (a space may
/// stand for a slash). Two-digit years are 1950–2049.
pub fn parse_month_day_year(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.trim().split(['/', ' ']).filter(|p| !p.is_empty()).collect();
    let [m, d, y] = parts.as_slice() else { return None };
    let number =
        |p: &str| -> Option<u32> { (p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())? };
    let (m, d, y) = (number(m)?, number(d)?, number(y)?);
    let year = match (y, parts[2].len()) {
        (y, 2) if y >= 50 => 1900 + y,
        (y, 2) => 2000 + y,
        (y, 4) => y,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, m, d)
}

/// RFC 2822 dates with a named zone chrono does not know (`EST`, `CET`, `UTC`) or none.
fn parse_rfc2822_named_zone(s: &str) -> Option<DateTime<Utc>> {
    let (rest, zone) = s.rsplit_once(' ')?;
    if !zone.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let offset = zone_offset_minutes(zone)?;
    let rest = rest.split_once(", ").map_or(rest, |(_, r)| r);
    let t = NaiveDateTime::parse_from_str(rest, "%d %b %Y %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(rest, "%d %b %Y %H:%M"))
        .ok()?;
    Some(t.and_utc() - Duration::minutes(offset.into()))
}

/// The offset from UTC, in minutes, of a time zone as news pages name it: `UTC`, `GMT`,
/// `CET`, `Greenwich Mean Time`, `British Summer Time`, `UTC+2`, `GMT-05:00`,
/// `Coordinated Universal Time (UTC/GMT)`. `None` for names it does not know.
pub fn zone_offset_minutes(name: &str) -> Option<i32> {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '/' | ','))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first()?;
    if let Some(offset) = explicit_offset(first) {
        return Some(offset);
    }
    const LONG: &[(&str, i32)] = &[
        ("GREENWICH MEAN TIME", 0),
        ("COORDINATED UNIVERSAL TIME", 0),
        ("UNIVERSAL TIME", 0),
        ("BRITISH SUMMER TIME", 60),
        ("CENTRAL EUROPEAN SUMMER TIME", 120),
        ("CENTRAL EUROPEAN TIME", 60),
        ("EASTERN EUROPEAN SUMMER TIME", 180),
        ("EASTERN EUROPEAN TIME", 120),
        ("MOSCOW TIME", 180),
        ("EASTERN STANDARD TIME", -300),
        ("EASTERN DAYLIGHT TIME", -240),
        ("CENTRAL STANDARD TIME", -360),
        ("CENTRAL DAYLIGHT TIME", -300),
        ("PACIFIC STANDARD TIME", -480),
        ("PACIFIC DAYLIGHT TIME", -420),
    ];
    let joined = words.join(" ");
    if let Some(&(_, offset)) = LONG.iter().find(|(long, _)| joined.starts_with(long)) {
        return Some(offset);
    }
    let offset = match first.as_str() {
        "UTC" | "GMT" | "UT" | "Z" => 0,
        "CET" | "BST" | "WAT" => 60,
        "CEST" | "EET" | "SAST" => 120,
        "EEST" | "MSK" => 180,
        "IST" => 330,
        "JST" | "KST" => 540,
        "AEST" => 600,
        "AEDT" => 660,
        "EDT" => -240,
        "EST" | "CDT" => -300,
        "CST" | "MDT" => -360,
        "MST" | "PDT" => -420,
        "PST" => -480,
        _ => return None,
    };
    Some(offset)
}

/// `UTC+2`, `GMT-05:00`, `UTC+0530`.
fn explicit_offset(word: &str) -> Option<i32> {
    let rest = word.strip_prefix("UTC").or_else(|| word.strip_prefix("GMT"))?;
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = if digits.len() <= 2 { (&digits[..], "0") } else { digits.split_at(digits.len() - 2) };
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// A time of day at the start of a live-blog paragraph: `17:05 The...`, `17:05The...` (glued),
/// `9:30 UTC - The...`. Returns the hour, the minute and the text after the time (any zone
/// name and separator removed; empty when the time stands alone).
pub fn clock_prefix(text: &str) -> Option<(u32, u32, &str)> {
    let b = text.as_bytes();
    let hour_len = match b {
        [h1, h2, b':', ..] if h1.is_ascii_digit() && h2.is_ascii_digit() => 2,
        [h, b':', ..] if h.is_ascii_digit() => 1,
        _ => return None,
    };
    let minutes = b.get(hour_len + 1..hour_len + 3)?;
    if !minutes.iter().all(u8::is_ascii_digit) || b.get(hour_len + 3).is_some_and(|c| c.is_ascii_digit() || *c == b':')
    {
        return None;
    }
    let hour: u32 = text[..hour_len].parse().ok()?;
    let minute: u32 = text[hour_len + 1..hour_len + 3].parse().ok()?;
    if hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = text[hour_len + 3..].trim_start();
    for zone in ["UTC", "GMT", "CET", "CEST"] {
        if let Some(r) = rest.strip_prefix(zone) {
            if r.is_empty() || !r.starts_with(|c: char| c.is_alphanumeric()) {
                rest = r.trim_start();
            }
        }
    }
    let rest = rest.trim_start_matches(['-', '–', '—', '|', ':', '+']).trim_start();
    Some((hour, minute, rest))
}

/// `HH:MM` or `HH:MM:SS`, nothing else.
fn clock(word: &str) -> Option<(u32, u32, u32)> {
    let mut parts = word.split(':');
    let mut next = |max: u32| -> Option<u32> {
        let p = parts.next()?;
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    let (h, m) = (next(23)?, next(59)?);
    let s = match parts.next() {
        None => 0,
        Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok().filter(|v| *v <= 59)?,
        Some(_) => return None,
    };
    (parts.next().is_none() && word.len() >= 4).then_some((h, m, s))
}

/// A date with a time of day and an optional zone, in either order:
/// `17:14 Greenwich Mean Time 31 January 2020`, `October 29, 2024, 14:05 CET`,
/// `29.10.2024 14:05`. An unknown zone name makes it not a date.
fn parse_date_with_clock(s: &str) -> Option<EntryDate> {
    let words: Vec<&str> = s.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| clock(w).is_some())?;
    let (h, m, sec) = clock(words[at])?;
    let is_date_word = |w: &&str| {
        let w = w.trim_end_matches('.');
        w.bytes().next().is_some_and(|b| b.is_ascii_digit()) || month_number(w).is_some() || is_weekday(w)
    };
    // The zone is the run of non-date words right after the clock.
    let zone_end = at + 1 + words[at + 1..].iter().take_while(|w| !is_date_word(w)).count();
    let zone = words[at + 1..zone_end].join(" ");
    let offset = if zone.is_empty() { 0 } else { zone_offset_minutes(&zone)? };
    let date_words: Vec<&str> = words[..at].iter().chain(&words[zone_end..]).copied().collect();
    let day = match date_words.as_slice() {
        [one] => parse_numeric_date(one)?,
        many => parse_worded_date(&many.join(" "))?,
    };
    let t = day.and_time(NaiveTime::from_hms_opt(h, m, sec)?).and_utc() - Duration::minutes(offset.into());
    Some(EntryDate::Instant(t))
}

/// The month a (possibly abbreviated) English or German month name names.
pub fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const GERMAN: [&str; 12] = [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ];
    let w = word.trim_end_matches('.');
    if w.len() < 3 || w.len() > 9 {
        return None;
    }
    NAMES
        .iter()
        .position(|name| is_prefix_ignoring_case(w, name))
        .or_else(|| GERMAN.iter().position(|name| is_prefix_ignoring_case(w, name)))
        .map(|i| i as u32 + 1)
}

/// `word` is the start of `name` (lower case), ignoring ASCII case.
fn is_prefix_ignoring_case(word: &str, name: &str) -> bool {
    name.as_bytes().get(..word.len()).is_some_and(|head| head.eq_ignore_ascii_case(word.as_bytes()))
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let w = word.trim_end_matches(['.', ',']);
    w.len() >= 3 && DAYS.iter().any(|d| is_prefix_ignoring_case(w, d))
}

/// `October 29, 2024`, `Oct. 29 2024`, `Sunday, June 23, 2019`, `29 October 2024`,
/// `29. Oktober 2024`.
fn parse_worded_date(s: &str) -> Option<NaiveDate> {
    let mut words: Vec<&str> = s.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    if words.first().is_some_and(|w| is_weekday(w)) && words.len() > 3 {
        words.remove(0);
    }
    if words.len() != 3 {
        return None;
    }
    let number = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches('.');
        let w = w.trim_end_matches("st").trim_end_matches("nd").trim_end_matches("rd").trim_end_matches("th");
        if w.is_empty() || w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        w.parse().ok()
    };
    let year = |w: &str| -> Option<i32> {
        (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.parse().ok()).flatten()
    };
    let (month, day, y) = if let Some(m) = month_number(words[0]) {
        (m, number(words[1])?, year(words[2])?)
    } else {
        (month_number(words[1])?, number(words[0])?, year(words[2])?)
    };
    NaiveDate::from_ymd_opt(y, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn days_read_without_a_format_string_are_chronos(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().filter(|d| d.year() >= 1000);
            proptest::prop_assert_eq!(parse_numeric_date(&s), chrono);
        }
    }

    fn day(y: i32, m: u32, d: u32) -> EntryDate {
        EntryDate::Day(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn news_text_dates() {
        assert_eq!(parse_text_date("October 29, 2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("Oct. 29, 2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("Sept. 3, 2024"), Some(day(2024, 9, 3)));
        assert_eq!(parse_text_date("Sunday, June 23, 2019"), Some(day(2019, 6, 23)));
        assert_eq!(parse_text_date("29 October 2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("29.10.2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("2024-10-29"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("North Korea's foreign minister"), None);
        assert_eq!(parse_text_date("May 2024 was warm"), None);
        assert_eq!(parse_text_date("February 30, 2024"), None);
    }

    #[test]
    fn instants_are_utc() {
        let t = parse_text_date("Tue, 05 Mar 2024 09:30:00 +0100").unwrap();
        assert_eq!(t.to_string(), "2024-03-05T08:30:00Z");
        let t = parse_text_date("2024-03-09T11:00:00+01:00").unwrap();
        assert_eq!(t.to_string(), "2024-03-09T10:00:00Z");
        let t = parse_text_date("Wed, 06 Mar 2024 07:00:00 GMT").unwrap();
        assert_eq!(t.to_string(), "2024-03-06T07:00:00Z");
        let t = parse_text_date("Wed, 06 Mar 2024 07:00:00 EST").unwrap();
        assert_eq!(t.to_string(), "2024-03-06T12:00:00Z");
    }

    #[test]
    fn more_news_forms() {
        assert_eq!(parse_text_date("29. Oktober 2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("Tuesday 29 October 2024"), Some(day(2024, 10, 29)));
        assert_eq!(parse_text_date("October 3rd, 2024"), Some(day(2024, 10, 3)));
        assert_eq!(parse_text_date("2024/10/29"), Some(day(2024, 10, 29)));
        let t = parse_text_date("17:14 Greenwich Mean Time 31 January 2020").unwrap();
        assert_eq!(t.to_string(), "2020-01-31T17:14:00Z");
        let t = parse_text_date("10:05 British Summer Time 3 June 2021").unwrap();
        assert_eq!(t.to_string(), "2021-06-03T09:05:00Z");
        let t = parse_text_date("October 29, 2024, 14:05 CET").unwrap();
        assert_eq!(t.to_string(), "2024-10-29T13:05:00Z");
        let t = parse_text_date("29.10.2024 14:05").unwrap();
        assert_eq!(t.to_string(), "2024-10-29T14:05:00Z");
        let t = parse_text_date("Tue, 5 Mar 2024 09:30 +0100").unwrap();
        assert_eq!(t.to_string(), "2024-03-05T08:30:00Z");
        let t = parse_text_date("2024-03-08T18:15:00.250-05:00").unwrap();
        assert_eq!(t.to_string(), "2024-03-08T23:15:00Z");
        for not_a_date in ["17:14 in the afternoon 31 January 2020", "Mayor 12 was elected", "14:05", "Room 101"] {
            assert_eq!(parse_text_date(not_a_date), None, "{not_a_date}");
        }
    }

    #[test]
    fn zones_by_name_and_offset() {
        assert_eq!(zone_offset_minutes("Coordinated Universal Time (UTC/GMT)"), Some(0));
        assert_eq!(zone_offset_minutes("British Summer Time"), Some(60));
        assert_eq!(zone_offset_minutes("UTC+2"), Some(120));
        assert_eq!(zone_offset_minutes("GMT-05:30"), Some(-330));
        assert_eq!(zone_offset_minutes("cest"), Some(120));
        assert_eq!(zone_offset_minutes("Ukraine"), None);
    }

    #[test]
    fn live_blog_clocks() {
        assert_eq!(clock_prefix("17:05The minister said"), Some((17, 5, "The minister said")));
        assert_eq!(clock_prefix("9:30 UTC - Talks resumed"), Some((9, 30, "Talks resumed")));
        assert_eq!(clock_prefix("23:59"), Some((23, 59, "")));
        assert_eq!(clock_prefix("10:30:15 was the time"), None);
        assert_eq!(clock_prefix("25:00 hours"), None);
        assert_eq!(clock_prefix("2024 was a year"), None);
        let day = day(2020, 3, 17);
        assert_eq!(day.at_time(17, 5).unwrap().to_string(), "2020-03-17T17:05:00Z");
        assert_eq!(day.at_local_time(0, 30, 60).unwrap().to_string(), "2020-03-16T23:30:00Z");
    }

    #[test]
    fn entry_dates_round_trip_through_json() {
        for text in ["\"2024-10-29\"", "\"2024-10-29T14:05:00Z\""] {
            let d: EntryDate = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&d).unwrap(), text);
        }
    }

    #[test]
    fn bounds_cover_what_they_name() {
        let y = parse_bound("2024").unwrap();
        assert_eq!(
            (y.start.to_string(), y.end.to_string()),
            ("2024-01-01 00:00:00 UTC".into(), "2025-01-01 00:00:00 UTC".into())
        );
        let m = parse_bound("2024-12").unwrap();
        assert_eq!(m.end.to_string(), "2025-01-01 00:00:00 UTC");
        let d = parse_bound("2024-02-29").unwrap();
        assert_eq!(d.end.to_string(), "2024-03-01 00:00:00 UTC");
        let t = parse_bound("2024-10-28T14:00:00+02:00").unwrap();
        assert_eq!(t.start.to_string(), "2024-10-28 12:00:00 UTC");
    }

    #[test]
    fn bad_bounds_name_the_input_and_the_problem() {
        let e = parse_bound("2024-13-45").unwrap_err();
        assert!(e.to_string().contains("2024-13-45") && e.to_string().contains("month 13"), "{e}");
        let e = parse_bound("2023-02-29").unwrap_err();
        assert!(e.to_string().contains("day 29 does not exist"), "{e}");
        for bad in ["", "yesterday", "24-10-01", "2024-1-1-1", "2024-10-28T99"] {
            assert!(parse_bound(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_counts_back_from_the_clock() {
        let clock = Clock::fixed(parse_text_date("2024-11-05T15:30:00Z").unwrap().timestamp());
        let start = |s: &str| parse_since(s).unwrap().start(&clock).to_string();
        assert_eq!(start("7d"), "2024-10-29 00:00:00 UTC", "from the start of the day");
        assert_eq!(start("0d"), "2024-11-05 00:00:00 UTC", "today");
        assert_eq!(start("2w"), "2024-10-22 00:00:00 UTC");
        assert_eq!(start("1m"), "2024-10-05 00:00:00 UTC");
        assert_eq!(start("1y"), "2023-11-05 00:00:00 UTC");
        assert_eq!(start("12h"), "2024-11-05 03:30:00 UTC", "hours are exact");
        assert_eq!(start("2024-10"), "2024-10-01 00:00:00 UTC", "a date is a date");
        for bad in ["", "7", "d", "7x", "-7d", "7 d", "999999999d"] {
            assert!(parse_since(bad).is_err(), "{bad:?}");
        }
        let leap = Clock::fixed(parse_text_date("2024-03-31T00:00:00Z").unwrap().timestamp());
        assert_eq!(parse_since("1m").unwrap().start(&leap).to_string(), "2024-02-29 00:00:00 UTC");
    }

    #[test]
    fn the_clock_can_be_fixed_by_a_setting() {
        let c = Clock::from_setting(Some("2024-11-05")).unwrap();
        assert_eq!(c.now().to_string(), "2024-11-05 00:00:00 UTC");
        assert_eq!(Clock::from_setting(Some("  ")).unwrap(), Clock::system());
        assert!(Clock::from_setting(Some("soon")).is_err());
    }

    #[test]
    fn timeline_intervals_are_calendar_ones() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(Interval::for_span(d("2024-10-01"), d("2024-11-30")), Interval::Day);
        assert_eq!(Interval::for_span(d("2024-01-01"), d("2024-12-31")), Interval::Week);
        assert_eq!(Interval::for_span(d("2019-01-01"), d("2024-12-31")), Interval::Month);
        assert_eq!(Interval::for_span(d("1987-01-01"), d("2024-12-31")), Interval::Year);
        assert_eq!(Interval::Week.start_of(d("2024-11-03")), d("2024-10-28"), "weeks start on Monday");
        assert_eq!(Interval::Week.start_of(d("2024-10-28")), d("2024-10-28"));
        assert_eq!(Interval::Month.start_of(d("2024-02-29")), d("2024-02-01"));
        assert_eq!(Interval::Month.next(d("2024-12-01")), Some(d("2025-01-01")));
        assert_eq!(Interval::Year.start_of(d("2024-07-04")), d("2024-01-01"));
        assert_eq!(Interval::Week.label(d("2024-10-28")), "week of 2024-10-28");
        assert_eq!(Interval::Month.label(d("2024-10-01")), "2024-10");
        assert_eq!(date_of_unix_day(unix_day(-1)), Some(d("1969-12-31")));
        assert_eq!(date_of_unix_day(unix_day(1_730_160_000)), Some(d("2024-10-29")));
    }

    #[test]
    fn month_first_numeric_dates() {
        assert_eq!(parse_month_day_year("01/04/63"), NaiveDate::from_ymd_opt(1963, 1, 4));
        assert_eq!(parse_month_day_year("08/30 63"), NaiveDate::from_ymd_opt(1963, 8, 30));
        assert_eq!(parse_month_day_year("12/27/2024"), NaiveDate::from_ymd_opt(2024, 12, 27));
        assert_eq!(parse_month_day_year("1/4/24"), NaiveDate::from_ymd_opt(2024, 1, 4));
        for bad in ["13/01/63", "02/30/63", "1/2", "a/b/c", "01/04/163"] {
            assert_eq!(parse_month_day_year(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges_join_spans_inclusively() {
        let from = parse_bound("2024-10-29").unwrap();
        let to = parse_bound("2024-10-29").unwrap();
        let r = DateRange::between(Some(&from), Some(&to));
        assert!(r.contains(day(2024, 10, 29).timestamp()));
        assert!(r.contains(parse_text_date("2024-10-29T23:59:59Z").unwrap().timestamp()));
        assert!(!r.contains(day(2024, 10, 30).timestamp()));
        assert!(!r.contains(day(2024, 10, 28).timestamp()));
    }
}
