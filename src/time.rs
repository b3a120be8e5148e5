//! Small, fast, allocation-free date/time helpers.
//!
//! The engine never reads a clock: `now` and the [`TimeZone`] are always passed in, so evaluation
//! is deterministic and testable. We avoid `chrono` to keep the wasm32 build small; everything
//! here is fixed-offset arithmetic on `i64` milliseconds plus Howard Hinnant's civil-calendar
//! algorithms (proleptic Gregorian calendar).
//!
//! No function panics on any input: Euclidean division keeps pre-1970 instants on the right day,
//! and the ends of the `i64` range are handled by clamping or saturating instead of overflowing.

use std::fmt::{self, Write as _};

/// Milliseconds since the Unix epoch (UTC).
pub type Millis = i64;
pub const MS_PER_SECOND: i64 = 1_000;
pub const MS_PER_MINUTE: i64 = 60_000;
pub const MS_PER_HOUR: i64 = 3_600_000;
pub const MS_PER_DAY: i64 = 86_400_000;

/// Largest accepted UTC offset (±18:00, the RFC 3339 / `java.time` limit).
const MAX_OFFSET_MINUTES: i32 = 18 * 60;
/// [`days_from_civil`] clamps years to ±2^40 so `era * 146_097` cannot overflow.
const MAX_YEAR_ABS: i64 = 1 << 40;
/// [`civil_from_days`] clamps to ±2^50 days: more than ±2^40 years, and far beyond the
/// ≈1.07e11 days that `i64` milliseconds can reach.
const MAX_DAYS_ABS: i64 = 1 << 50;
const BAD_DATE: &str = "expected a date like 2026-11-25 or 2026-11-25T09:30:00+08:00";
const BAD_TIME: &str = "expected a time like 09:30 or 09:30:15 after the date";
const BAD_OFFSET: &str = "expected a UTC offset like +08:00, +0800 or -05:30";
const ZONE_HINT: &str = "use a fixed offset such as +08:00 or a zone without daylight saving (Asia/Shanghai)";

/// Zones accepted by name. Only zones without daylight saving today are listed, so a fixed offset
/// is exact for current data (historical DST, e.g. China 1986–1991, is deliberately ignored).
const NAMED_ZONES: [(&str, i32); 10] = [
    ("UTC", 0),
    ("Etc/UTC", 0),
    ("GMT", 0),
    ("Asia/Shanghai", 480),
    ("Asia/Hong_Kong", 480),
    ("Asia/Macau", 480),
    ("Asia/Taipei", 480),
    ("Asia/Singapore", 480),
    ("Asia/Tokyo", 540),
    ("Asia/Seoul", 540),
];

/// A fixed UTC offset. Only zones without daylight saving are accepted by name, because a
/// DST zone cannot be represented by one offset and silently guessing would shift results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone {
    /// Invariant: `|offset_minutes| <= 18 * 60` (guaranteed by every constructor).
    offset_minutes: i32,
}

impl TimeZone {
    pub const UTC: TimeZone = TimeZone { offset_minutes: 0 };
    /// +08:00, the default everywhere in the product.
    pub const SHANGHAI: TimeZone = TimeZone { offset_minutes: 480 };

    /// A zone `m` minutes east of UTC; `None` unless `|m| <= 18 * 60`.
    pub const fn from_offset_minutes(m: i32) -> Option<TimeZone> {
        if m >= -MAX_OFFSET_MINUTES && m <= MAX_OFFSET_MINUTES { Some(TimeZone { offset_minutes: m }) } else { None }
    }

    pub const fn offset_minutes(self) -> i32 {
        self.offset_minutes
    }

    const fn offset_ms(self) -> i64 {
        self.offset_minutes as i64 * MS_PER_MINUTE
    }

    /// Accepts "+08:00", "+0800", "+08", "-05:30", "Z", "UTC", "Etc/UTC", "GMT" and the DST-free
    /// names in `NAMED_ZONES` (ASCII case-insensitive, surrounding whitespace ignored).
    pub fn parse(s: &str) -> Result<TimeZone, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(format!("time zone is empty: {ZONE_HINT}"));
        }
        if t.eq_ignore_ascii_case("Z") {
            return Ok(Self::UTC);
        }
        if let Some(&(_, m)) = NAMED_ZONES.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)) {
            return Ok(TimeZone { offset_minutes: m });
        }
        if t.starts_with(['+', '-']) {
            return match parse_offset(t.as_bytes()) {
                Ok((m, used)) if used == t.len() => Ok(TimeZone { offset_minutes: m }),
                Ok(_) => Err(format!("invalid UTC offset \"{t}\": {BAD_OFFSET}")),
                Err(e) => Err(format!("invalid UTC offset \"{t}\": {e}")),
            };
        }
        Err(format!("unknown time zone \"{t}\": {ZONE_HINT}"))
    }
}

/// Always `±HH:MM`; UTC is "+00:00" (never "Z") so the output has one fixed shape.
impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let a = self.offset_minutes.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)
    }
}

/// The product's default zone is Asia/Shanghai.
impl Default for TimeZone {
    fn default() -> Self {
        Self::SHANGHAI
    }
}

/// Parses a `±HH[[:]MM]` offset at the start of `b` into (minutes east of UTC, bytes used).
/// Shared by [`TimeZone::parse`] and [`parse_datetime`] so both accept the same forms.
fn parse_offset(b: &[u8]) -> Result<(i32, usize), String> {
    let negative = match b.first() {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return Err(BAD_OFFSET.into()),
    };
    let hours = num(b, 1, 2).ok_or(BAD_OFFSET)?;
    let (minutes, used) = if b.get(3) == Some(&b':') {
        (num(b, 4, 2).ok_or(BAD_OFFSET)?, 6)
    } else if let Some(m) = num(b, 3, 2) {
        (m, 5)
    } else {
        (0, 3)
    };
    if minutes > 59 {
        return Err(format!("UTC offset minutes {minutes} are out of range 0–59"));
    }
    let total = (hours * 60 + minutes) as i32; // at most 99 * 60 + 59, fits
    if total > MAX_OFFSET_MINUTES {
        let sign = if negative { '-' } else { '+' };
        return Err(format!("UTC offset {sign}{hours:02}:{minutes:02} is out of range (at most ±18:00)"));
    }
    Ok((if negative { -total } else { total }, used))
}

/// The form nearly every datetime of a batch has — `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`,
/// every part in range, nothing around it — read without the general parser's branches.
/// `None` for anything else (which [`parse_datetime`] then reads, or explains).
fn parse_common(b: &[u8]) -> Option<Millis> {
    let (offset, len) = match b.get(19)? {
        b'Z' => (0, 20),
        sign @ (b'+' | b'-') if b.get(22) == Some(&b':') => {
            let (h, m) = (num(b, 20, 2)?, num(b, 23, 2)?);
            if h > 18 || m > 59 || h * 60 + m > MAX_OFFSET_MINUTES as u32 {
                return None;
            }
            let minutes = i64::from(h * 60 + m);
            (if *sign == b'-' { -minutes } else { minutes }, 25)
        }
        _ => return None,
    };
    if b.len() != len || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(b, 0, 4)?, num(b, 5, 2)?, num(b, 8, 2)?);
    let (hour, minute, second) = (num(b, 11, 2)?, num(b, 14, 2)?, num(b, 17, 2)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = i64::from(hour * 3_600 + minute * 60 + second);
    Some(days_from_civil(i64::from(year), month, day) * MS_PER_DAY + seconds * 1_000 - offset * MS_PER_MINUTE)
}

/// Reads exactly `n` (at most 9, so no overflow) ASCII digits at `b[at..]`; `None` if any is
/// missing or not a digit.
/// Working on bytes keeps parsing allocation-free and independent of UTF-8 boundaries.
fn num(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = b.get(at..at.checked_add(n)?)?;
    digits.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

/// Gregorian leap-year rule (also correct for negative, i.e. proleptic, years).
pub const fn is_leap_year(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` of year `y`; 0 for a month outside 1–12.
const fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of the proleptic Gregorian date `y-m-d` (Howard Hinnant's
/// `days_from_civil`): branch-light, no tables, exact for |y| <= 2^40. Month and day are not
/// validated (day 0 is the last day of the previous month); years beyond ±2^40 are clamped so
/// absurd input cannot overflow.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = y.clamp(-MAX_YEAR_ABS, MAX_YEAR_ABS) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March-based month, so leap day is last
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365] for valid input
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month 1–12, day 1–31) of day `z` since 1970-01-01.
/// Inputs beyond ±2^50 days are clamped (no `Millis` value gets near that).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z.clamp(-MAX_DAYS_ABS, MAX_DAYS_ABS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32; // [1, 12]
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Local calendar fields of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalParts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 1 = Monday … 7 = Sunday (ISO)
    pub weekday: u32,
}

/// Splits `ms` into (local day number, ms into that local day). The offset (< 1 day) is applied
/// to the Euclidean remainder rather than to `ms`, so even `i64::MIN`/`MAX` cannot overflow.
fn split_local(ms: Millis, tz: TimeZone) -> (i64, i64) {
    let day = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY) + tz.offset_ms();
    if rem < 0 {
        (day - 1, rem + MS_PER_DAY)
    } else if rem >= MS_PER_DAY {
        (day + 1, rem - MS_PER_DAY)
    } else {
        (day, rem)
    }
}

/// Calendar fields of `ms` in `tz`.
pub fn local_parts(ms: Millis, tz: TimeZone) -> LocalParts {
    let (days, rem) = split_local(ms, tz);
    let (y, month, day) = civil_from_days(days);
    let rem = rem as u32; // in [0, 86_400_000)
    LocalParts {
        year: i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
        month,
        day,
        hour: rem / 3_600_000,
        minute: rem / 60_000 % 60,
        second: rem / 1_000 % 60,
        millis: rem % 1_000,
        // 1970-01-01 (day 0) was a Thursday (ISO 4).
        weekday: ((days.rem_euclid(7) + 3) % 7 + 1) as u32,
    }
}

/// Minutes since local midnight (0..1440).
pub fn minute_of_day(ms: Millis, tz: TimeZone) -> u32 {
    (split_local(ms, tz).1 / MS_PER_MINUTE) as u32
}

/// The instant of local midnight starting the local day that contains `ms`. Computed in `i128`
/// because near `i64::MAX` the product `days * MS_PER_DAY` alone can overflow even though the
/// midnight itself fits; a midnight before `i64::MIN` saturates to `i64::MIN`.
pub fn start_of_local_day(ms: Millis, tz: TimeZone) -> Millis {
    let (days, _) = split_local(ms, tz);
    let midnight = i128::from(days) * i128::from(MS_PER_DAY) - i128::from(tz.offset_ms());
    i64::try_from(midnight).unwrap_or(if midnight < 0 { i64::MIN } else { i64::MAX })
}

/// Parses "HH:MM" (00:00–23:59, also "24:00" = 1440 as an end-of-day bound, and a one-digit hour
/// such as "9:30") into minutes of day.
pub fn parse_hhmm(s: &str) -> Result<u32, String> {
    let b = s.trim_ascii().as_bytes();
    let colon = b.iter().position(|&c| c == b':');
    let parsed = match colon {
        Some(i @ (1 | 2)) if b.len() == i + 3 => num(b, 0, i).zip(num(b, i + 1, 2)),
        _ => None,
    };
    let Some((h, m)) = parsed else {
        return Err(format!("invalid time \"{s}\": expected HH:MM such as 09:30"));
    };
    if h == 24 && m == 0 {
        return Ok(1440);
    }
    if h > 23 {
        return Err(format!("hour {h} in \"{s}\" is out of range 00–23 (24:00 is allowed)"));
    }
    if m > 59 {
        return Err(format!("minute {m} in \"{s}\" is out of range 00–59"));
    }
    Ok(h * 60 + m)
}

/// Parses ISO 8601 / RFC 3339 datetimes: "2026-11-25" (local midnight in `tz`), "2026-11-25T09:30",
/// "…T09:30:15", "…T09:30:15.123" (1–9 fraction digits, truncated to ms), a space or lowercase 't'
/// instead of 'T', and an optional suffix "Z"/"z", "+08:00", "+0800", "+08" or "-05:00"; without
/// one the time is local time in `tz`. Surrounding ASCII whitespace is ignored. Second 60 (a leap
/// second) is clamped to 59.999. Works on bytes and allocates only when returning an error,
/// because it runs for millions of records.
pub fn parse_datetime(s: &str, tz: TimeZone) -> Result<Millis, String> {
    match parse_common(s.as_bytes()) {
        Some(ms) => Ok(ms),
        None => parse_general(s, tz),
    }
}

/// Every form [`parse_datetime`] accepts, with the reason for what it does not.
fn parse_general(s: &str, tz: TimeZone) -> Result<Millis, String> {
    let t = s.trim_ascii();
    let b = t.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead > 4 && b.get(lead) == Some(&b'-') {
        return Err(format!("year {} is out of range 0000–9999", &t[..lead]));
    }
    let (year, month, day) = match (num(b, 0, 4), b.get(4), num(b, 5, 2), b.get(7), num(b, 8, 2)) {
        (Some(y), Some(b'-'), Some(m), Some(b'-'), Some(d)) => (i64::from(y), m, d),
        _ => return Err(BAD_DATE.into()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range 1–12"));
    }
    if !(1..=31).contains(&day) {
        return Err(format!("day {day} is out of range 1–31"));
    }
    let dim = days_in_month(year, month);
    if day > dim {
        let why = match month {
            2 if day == 29 => format!("{year} is not a leap year"),
            2 => format!("February has {dim} days"),
            4 => "April has 30 days".into(),
            6 => "June has 30 days".into(),
            9 => "September has 30 days".into(),
            _ => "November has 30 days".into(), // the only other month shorter than 31 days
        };
        return Err(format!("{year:04}-{month:02}-{day:02} is not a date ({why})"));
    }
    let mut ms = days_from_civil(year, month, day) * MS_PER_DAY;
    let Some(&sep) = b.get(10) else {
        return Ok(ms - tz.offset_ms());
    };
    if !matches!(sep, b'T' | b't' | b' ') {
        return Err(format!("unexpected characters after the date: {BAD_DATE}"));
    }
    let (Some(hour), Some(b':'), Some(minute)) = (num(b, 11, 2), b.get(13), num(b, 14, 2)) else {
        return Err(BAD_TIME.into());
    };
    let mut i = 16;
    let (mut second, mut millis) = (0, 0);
    if b.get(i) == Some(&b':') {
        second = num(b, 17, 2).ok_or(BAD_TIME)?;
        i = 19;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=9).contains(&n) {
                return Err("expected 1 to 9 fraction digits after the seconds".into());
            }
            // Truncate to milliseconds: pad "5" to 500, cut "123456" to 123.
            for k in 0..3 {
                let digit = if k < n { u32::from(b[i + 1 + k] - b'0') } else { 0 };
                millis = millis * 10 + digit;
            }
            i += 1 + n;
        }
    }
    if hour > 23 {
        return Err(format!("hour {hour} is out of range 0–23"));
    }
    if minute > 59 {
        return Err(format!("minute {minute} is out of range 0–59"));
    }
    if second > 60 {
        return Err(format!("second {second} is out of range 0–59 (60 is a leap second)"));
    }
    if second == 60 {
        (second, millis) = (59, 999);
    }
    ms += i64::from(hour) * MS_PER_HOUR + i64::from(minute) * MS_PER_MINUTE + i64::from(second * 1_000 + millis);
    let offset_ms = match b.get(i) {
        None => return Ok(ms - tz.offset_ms()),
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(b'+' | b'-') => {
            let (minutes, used) = parse_offset(&b[i..])?;
            i += used;
            i64::from(minutes) * MS_PER_MINUTE
        }
        Some(_) => {
            return Err("unexpected characters after the time: expected the end, Z or an offset like +08:00".into());
        }
    };
    if i != b.len() {
        return Err("trailing characters after the time zone".into());
    }
    Ok(ms - offset_ms)
}

/// Appends `v` as exactly two digits (`v < 100`); avoids the `fmt` machinery on the hot path.
fn push2(out: &mut String, v: u32) {
    out.push(char::from(b'0' + (v / 10 % 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// "YYYY-MM-DD"; years outside 0000–9999 use ISO 8601's expanded form ("+10000", "-0001").
fn push_date(out: &mut String, p: &LocalParts) {
    if (0..=9999).contains(&p.year) {
        let y = p.year as u32;
        push2(out, y / 100);
        push2(out, y % 100);
    } else {
        let _ = write!(out, "{:+05}", p.year); // writing to a String cannot fail
    }
    out.push('-');
    push2(out, p.month);
    out.push('-');
    push2(out, p.day);
}

/// RFC 3339 in `tz`: "2026-11-25T09:30:00+08:00"; ".123" milliseconds appear only when non-zero.
pub fn format_datetime(ms: Millis, tz: TimeZone) -> String {
    let p = local_parts(ms, tz);
    let mut out = String::with_capacity(32);
    push_date(&mut out, &p);
    out.push('T');
    push2(&mut out, p.hour);
    out.push(':');
    push2(&mut out, p.minute);
    out.push(':');
    push2(&mut out, p.second);
    if p.millis != 0 {
        out.push('.');
        out.push(char::from(b'0' + (p.millis / 100) as u8));
        push2(&mut out, p.millis % 100);
    }
    let _ = write!(out, "{tz}");
    out
}

/// "2026-11-25": the local date of `ms` in `tz`.
pub fn format_date(ms: Millis, tz: TimeZone) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, &local_parts(ms, tz));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path gives exactly the general parser's instant wherever it answers, and
    /// answers for the common form.
    #[test]
    fn the_common_form_reads_as_the_general_parser_reads_it() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut answered = 0;
        for _ in 0..200_000 {
            let zone = match next(4) {
                0 => "Z".to_string(),
                _ => format!(
                    "{}{:02}:{:02}",
                    if next(2) == 0 { '+' } else { '-' },
                    next(21),
                    [0, 30, 45, 59, 60][next(5) as usize]
                ),
            };
            let s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
                [1970, 2000, 2024, 2025, 2100, 1900, 0, 9999][next(8) as usize],
                next(14),
                next(33),
                next(26),
                next(62),
                next(62),
            );
            let general = parse_general(&s, TimeZone::SHANGHAI);
            if let Some(ms) = parse_common(s.as_bytes()) {
                answered += 1;
                assert_eq!(Ok(ms), general, "{s}");
            }
            assert_eq!(parse_datetime(&s, TimeZone::SHANGHAI), general, "{s}");
        }
        assert!(answered > 50_000, "{answered}");
        assert_eq!(
            parse_common(b"2026-11-25T10:00:00+08:00"),
            parse_general("2026-11-25T10:00:00+08:00", TimeZone::UTC).ok()
        );
        assert_eq!(parse_common(b" 2026-11-25T10:00:00+08:00"), None);
        assert_eq!(parse_common(b"2026-11-25T10:00:00.5+08:00"), None);
    }

    const SH: TimeZone = TimeZone::SHANGHAI;
    const UTC: TimeZone = TimeZone::UTC;

    fn tz(m: i32) -> TimeZone {
        TimeZone::from_offset_minutes(m).unwrap()
    }

    fn err(s: &str) -> String {
        parse_datetime(s, SH).unwrap_err()
    }

    /// Deterministic xorshift so the property loops need no dependencies.
    fn rng(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn constants() {
        assert_eq!(MS_PER_MINUTE, 60 * MS_PER_SECOND);
        assert_eq!(MS_PER_HOUR, 60 * MS_PER_MINUTE);
        assert_eq!(MS_PER_DAY, 24 * MS_PER_HOUR);
    }

    #[test]
    fn time_zone_constructors_and_display() {
        assert_eq!(TimeZone::default(), SH);
        assert_eq!(SH.offset_minutes(), 480);
        assert_eq!(UTC.offset_minutes(), 0);
        assert_eq!(TimeZone::from_offset_minutes(1080), Some(tz(1080)));
        assert_eq!(TimeZone::from_offset_minutes(-1080), Some(tz(-1080)));
        assert_eq!(TimeZone::from_offset_minutes(1081), None);
        assert_eq!(TimeZone::from_offset_minutes(-1081), None);
        assert_eq!(TimeZone::from_offset_minutes(i32::MIN), None);
        assert_eq!(SH.to_string(), "+08:00");
        assert_eq!(UTC.to_string(), "+00:00");
        assert_eq!(tz(-330).to_string(), "-05:30");
        assert_eq!(tz(-1080).to_string(), "-18:00");
        assert_eq!(tz(345).to_string(), "+05:45");
        assert_eq!(tz(-1).to_string(), "-00:01");
    }

    #[test]
    fn time_zone_parse_accepts() {
        let cases = [
            ("+08:00", 480),
            ("+0800", 480),
            ("+08", 480),
            ("-05:30", -330),
            ("-0530", -330),
            ("+18:00", 1080),
            ("-00:00", 0),
            ("Z", 0),
            ("z", 0),
            ("UTC", 0),
            ("utc", 0),
            ("Etc/UTC", 0),
            ("GMT", 0),
            ("Asia/Shanghai", 480),
            ("asia/shanghai", 480),
            (" Asia/Shanghai\n", 480),
            ("Asia/Hong_Kong", 480),
            ("Asia/Macau", 480),
            ("Asia/Taipei", 480),
            ("Asia/Singapore", 480),
            ("Asia/Tokyo", 540),
            ("Asia/Seoul", 540),
        ];
        for (s, m) in cases {
            assert_eq!(TimeZone::parse(s), Ok(tz(m)), "{s}");
        }
        for m in [-1080, -330, -1, 0, 1, 345, 480, 1080] {
            assert_eq!(TimeZone::parse(&tz(m).to_string()), Ok(tz(m)));
        }
    }

    #[test]
    fn time_zone_parse_errors() {
        assert_eq!(
            TimeZone::parse("Europe/Paris").unwrap_err(),
            "unknown time zone \"Europe/Paris\": use a fixed offset such as +08:00 or a zone \
             without daylight saving (Asia/Shanghai)"
        );
        assert!(TimeZone::parse("").unwrap_err().starts_with("time zone is empty"));
        assert!(TimeZone::parse("  ").unwrap_err().starts_with("time zone is empty"));
        assert!(TimeZone::parse("08:00").unwrap_err().starts_with("unknown time zone \"08:00\""));
        assert_eq!(
            TimeZone::parse("+19:00").unwrap_err(),
            "invalid UTC offset \"+19:00\": UTC offset +19:00 is out of range (at most ±18:00)"
        );
        assert!(TimeZone::parse("-18:01").unwrap_err().contains("-18:01 is out of range"));
        assert!(TimeZone::parse("+08:60").unwrap_err().contains("minutes 60 are out of range"));
        for bad in ["+8", "+", "-", "+08:", "+08:0", "+08:00x", "+080", "+08:00:00", "+ab"] {
            let e = TimeZone::parse(bad).unwrap_err();
            assert!(e.starts_with(&format!("invalid UTC offset \"{bad}\"")), "{bad}: {e}");
            assert!(e.contains("expected a UTC offset like +08:00"), "{bad}: {e}");
        }
    }

    #[test]
    fn civil_known_values() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(days_from_civil(2026, 11, 25), 20782);
        assert_eq!(days_from_civil(1, 1, 1), -719162);
        assert_eq!(days_from_civil(0, 3, 1), -719468);
        assert_eq!(days_from_civil(1900, 1, 1), -25567);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20782), (2026, 11, 25));
        assert_eq!(civil_from_days(-719468), (0, 3, 1));
        assert_eq!(civil_from_days(-719469), (0, 2, 29)); // year 0 is a leap year
        // Day 0 is the last day of the previous month; month 0 is December of the year before.
        assert_eq!(days_from_civil(2026, 3, 0), days_from_civil(2026, 2, 28));
        assert_eq!(days_from_civil(2026, 0, 1), days_from_civil(2025, 12, 1));
    }

    #[test]
    fn civil_consecutive_days_property() {
        let (mut y, mut m, mut d) = civil_from_days(-800_000);
        for z in -800_000..3_000_000 {
            assert_eq!(civil_from_days(z), (y, m, d), "day {z}");
            assert_eq!(days_from_civil(y, m, d), z);
            d += 1;
            if d > days_in_month(y, m) {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        }
    }

    #[test]
    fn civil_extremes_do_not_panic() {
        for z in [i64::MIN, i64::MIN + 1, -MAX_DAYS_ABS, MAX_DAYS_ABS, i64::MAX] {
            let (_, m, d) = civil_from_days(z);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d));
        }
        for y in [i64::MIN, -MAX_YEAR_ABS, MAX_YEAR_ABS, i64::MAX] {
            for (m, d) in [(0, 0), (1, 1), (2, 29), (12, 31), (u32::MAX, u32::MAX)] {
                let _ = days_from_civil(y, m, d);
            }
        }
        let z = days_from_civil(MAX_YEAR_ABS, 12, 31);
        assert_eq!(civil_from_days(z), (MAX_YEAR_ABS, 12, 31));
        let z = days_from_civil(-MAX_YEAR_ABS, 1, 1);
        assert_eq!(civil_from_days(z), (-MAX_YEAR_ABS, 1, 1));
    }

    #[test]
    fn leap_years() {
        for (y, leap) in [(2024, true), (2026, false), (2000, true), (1900, false), (0, true)] {
            assert_eq!(is_leap_year(y), leap, "{y}");
        }
        assert!(is_leap_year(-4) && !is_leap_year(-1) && !is_leap_year(-100));
        assert!(!is_leap_year(i64::MIN + 1) && is_leap_year(i64::MIN));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2026, 13), 0);
    }

    #[test]
    fn parse_accepted_forms() {
        let at_0930 = 1_795_570_200_000; // 2026-11-25T09:30:00+08:00
        let cases = [
            ("2026-11-25T09:30", at_0930),
            ("2026-11-25t09:30", at_0930),
            ("2026-11-25 09:30", at_0930),
            ("2026-11-25T09:30:00", at_0930),
            ("2026-11-25T09:30:15", at_0930 + 15_000),
            ("2026-11-25T09:30:15.1", at_0930 + 15_100),
            ("2026-11-25T09:30:15,25", at_0930 + 15_250),
            ("2026-11-25T09:30:15.123", at_0930 + 15_123),
            ("2026-11-25T09:30:15.123999999", at_0930 + 15_123),
            ("2026-11-25T09:30:15.000000001", at_0930 + 15_000),
            ("2026-11-25T09:30:00+08:00", at_0930),
            ("2026-11-25T09:30:00+0800", at_0930),
            ("2026-11-25T09:30:00+08", at_0930),
            ("2026-11-25T09:30+08:00", at_0930),
            ("2026-11-25T01:30:00Z", at_0930),
            ("2026-11-25t01:30:00z", at_0930),
            ("2026-11-25T01:30:00.000+00:00", at_0930),
            ("2026-11-24T20:30:00-05:00", at_0930),
            ("2026-11-24T20:00:00-0530", at_0930),
            ("  2026-11-25T09:30\t", at_0930),
            ("2026-11-25", 1_795_536_000_000),
            ("2000-02-29T12:00:00-05:30", 951_845_400_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.999Z", -1),
            ("0001-01-01T00:00:00Z", -62_135_596_800_000),
            ("9999-12-31T23:59:59Z", 253_402_300_799_000),
            ("2016-12-31T23:59:60Z", 1_483_228_799_999), // leap second clamps to .999
            ("2016-12-31T23:59:60.5Z", 1_483_228_799_999),
        ];
        for (s, ms) in cases {
            assert_eq!(parse_datetime(s, SH), Ok(ms), "{s}");
        }
        assert_eq!(parse_datetime("0000-01-01", UTC), Ok(days_from_civil(0, 1, 1) * MS_PER_DAY));
        assert_eq!(parse_datetime("2026-11-25", UTC), Ok(20782 * MS_PER_DAY));
        assert_eq!(parse_datetime("2026-11-25T09:30", tz(-300)), Ok(at_0930 + 13 * MS_PER_HOUR));
        // An explicit suffix wins over the `tz` argument.
        assert_eq!(parse_datetime("2026-11-25T01:30Z", tz(-600)), Ok(at_0930));
    }

    #[test]
    fn parse_calendar_errors() {
        assert_eq!(err("2026-13-01"), "month 13 is out of range 1–12");
        assert_eq!(err("2026-00-01"), "month 0 is out of range 1–12");
        assert_eq!(err("2026-01-00"), "day 0 is out of range 1–31");
        assert_eq!(err("2026-01-32"), "day 32 is out of range 1–31");
        assert_eq!(err("2026-02-29"), "2026-02-29 is not a date (2026 is not a leap year)");
        assert_eq!(err("1900-02-29T00:00Z"), "1900-02-29 is not a date (1900 is not a leap year)");
        assert_eq!(err("2026-02-30"), "2026-02-30 is not a date (February has 28 days)");
        assert_eq!(err("2024-02-30"), "2024-02-30 is not a date (February has 29 days)");
        assert_eq!(err("2026-04-31"), "2026-04-31 is not a date (April has 30 days)");
        assert_eq!(err("2026-11-31"), "2026-11-31 is not a date (November has 30 days)");
        assert_eq!(err("10000-01-01"), "year 10000 is out of range 0000–9999");
        assert!(parse_datetime("2024-02-29", SH).is_ok());
        assert!(parse_datetime("2000-02-29", SH).is_ok());
    }

    #[test]
    fn parse_shape_errors() {
        let bad_date = [
            "",
            "   ",
            "2026",
            "2026-11",
            "2026-11-2",
            "2026/11/25",
            "26-11-25",
            "2026-1-25",
            "-2026-11-25",
            "+2026-11-25",
            "2026-11-2x",
            "abcd-ef-gh",
            "２０２６-11-25",
            "2026-11-2５",
        ];
        for s in bad_date {
            assert_eq!(err(s), BAD_DATE, "{s:?}");
        }
        // Surrounding whitespace is trimmed, so a trailing space leaves a plain date.
        assert_eq!(parse_datetime("2026-11-25 ", UTC), Ok(20782 * MS_PER_DAY));
        for s in ["2026-11-25x", "2026-11-25_09:30", "2026-11-25Z", "2026-11-25+08:00", "2026-11-25é"] {
            let e = err(s);
            assert!(e.starts_with("unexpected characters after the date"), "{s}: {e}");
        }
        for s in [
            "2026-11-25T",
            "2026-11-25T ",
            "2026-11-25T9:30",
            "2026-11-25T09",
            "2026-11-25T09:3",
            "2026-11-25T0930",
            "2026-11-25T09-30",
            "2026-11-25T09:30:",
            "2026-11-25T09:30:1",
            "2026-11-25T09:30:1Z",
            "2026-11-25Taa:bb",
        ] {
            assert_eq!(err(s), BAD_TIME, "{s:?}");
        }
    }

    #[test]
    fn parse_time_errors() {
        assert_eq!(err("2026-11-25T24:00"), "hour 24 is out of range 0–23");
        assert_eq!(err("2026-11-25T99:00:00Z"), "hour 99 is out of range 0–23");
        assert_eq!(err("2026-11-25T09:60"), "minute 60 is out of range 0–59");
        assert_eq!(err("2026-11-25T09:30:61"), "second 61 is out of range 0–59 (60 is a leap second)");
        let frac = "expected 1 to 9 fraction digits after the seconds";
        assert_eq!(err("2026-11-25T09:30:15."), frac);
        assert_eq!(err("2026-11-25T09:30:15.Z"), frac);
        assert_eq!(err("2026-11-25T09:30:15.1234567890"), frac);
        let after = "unexpected characters after the time: expected the end, Z or an offset like +08:00";
        for s in [
            "2026-11-25T09:30.5",
            "2026-11-25T09:30 +08:00",
            "2026-11-25T09:30:15x",
            "2026-11-25T09:30:15.12x",
            "2026-11-25T09:30:15 Z",
            "2026-11-25T09:30:15UTC",
        ] {
            assert_eq!(err(s), after, "{s}");
        }
    }

    #[test]
    fn parse_zone_errors() {
        assert_eq!(err("2026-11-25T09:30Zz"), "trailing characters after the time zone");
        assert_eq!(err("2026-11-25T09:30+08:00x"), "trailing characters after the time zone");
        assert_eq!(err("2026-11-25T09:30+08:00:00"), "trailing characters after the time zone");
        assert_eq!(err("2026-11-25T09:30+080"), "trailing characters after the time zone");
        assert_eq!(err("2026-11-25T09:30+8"), BAD_OFFSET);
        assert_eq!(err("2026-11-25T09:30+08:0"), BAD_OFFSET);
        assert_eq!(err("2026-11-25T09:30-"), BAD_OFFSET);
        assert_eq!(err("2026-11-25T09:30+08:75"), "UTC offset minutes 75 are out of range 0–59");
        assert_eq!(err("2026-11-25T09:30-19:00"), "UTC offset -19:00 is out of range (at most ±18:00)");
    }

    #[test]
    fn parse_never_panics_on_garbage() {
        let seeds = ["2026-11-25T09:30:15.123456789+08:00", "2016-12-31 23:59:60,5z", "１２"];
        let mut st = 0x9E37_79B9_7F4A_7C15;
        for seed in seeds {
            for end in 0..=seed.len() {
                if let Some(prefix) = seed.get(..end) {
                    let _ = parse_datetime(prefix, SH);
                    let _ = TimeZone::parse(prefix);
                    let _ = parse_hhmm(prefix);
                }
            }
        }
        let alphabet = b"0123456789-:T tZz+.,e";
        let mut buf = Vec::new();
        for _ in 0..50_000 {
            buf.clear();
            let len = rng(&mut st) % 40;
            for _ in 0..len {
                buf.push(alphabet[(rng(&mut st) % alphabet.len() as u64) as usize]);
            }
            let s = std::str::from_utf8(&buf).unwrap();
            let _ = parse_datetime(s, SH);
            let _ = TimeZone::parse(s);
            let _ = parse_hhmm(s);
        }
    }

    #[test]
    fn format_known_values() {
        assert_eq!(format_datetime(1_795_570_200_000, SH), "2026-11-25T09:30:00+08:00");
        assert_eq!(format_datetime(1_795_570_200_000, UTC), "2026-11-25T01:30:00+00:00");
        assert_eq!(format_datetime(1_795_570_215_123, SH), "2026-11-25T09:30:15.123+08:00");
        assert_eq!(format_datetime(1_795_570_215_007, SH), "2026-11-25T09:30:15.007+08:00");
        assert_eq!(format_datetime(1_795_570_200_000, tz(-330)), "2026-11-24T20:00:00-05:30");
        assert_eq!(format_datetime(0, UTC), "1970-01-01T00:00:00+00:00");
        assert_eq!(format_datetime(-1, UTC), "1969-12-31T23:59:59.999+00:00");
        assert_eq!(format_datetime(-1, SH), "1970-01-01T07:59:59.999+08:00");
        assert_eq!(format_datetime(-62_135_596_800_000, UTC), "0001-01-01T00:00:00+00:00");
        assert_eq!(format_datetime(-62_135_596_800_001, UTC), "0000-12-31T23:59:59.999+00:00");
        assert_eq!(format_datetime(253_402_300_799_000, UTC), "9999-12-31T23:59:59+00:00");
        assert_eq!(format_datetime(253_402_300_800_000, UTC), "+10000-01-01T00:00:00+00:00");
        let year_minus_one = days_from_civil(-1, 6, 1) * MS_PER_DAY;
        assert_eq!(format_datetime(year_minus_one, UTC), "-0001-06-01T00:00:00+00:00");
        assert_eq!(format_date(1_795_536_000_000, SH), "2026-11-25");
        assert_eq!(format_date(1_795_536_000_000 - 1, SH), "2026-11-24");
        assert_eq!(format_date(1_795_536_000_000, UTC), "2026-11-24");
        assert_eq!(format_date(-1, UTC), "1969-12-31");
    }

    #[test]
    fn extremes_do_not_panic() {
        assert_eq!(format_datetime(i64::MAX, UTC), "+292278994-08-17T07:12:55.807+00:00");
        assert_eq!(format_datetime(i64::MIN, UTC), "-292275055-05-16T16:47:04.192+00:00");
        for ms in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            for zone in [tz(-1080), tz(-330), UTC, SH, tz(1080)] {
                let p = local_parts(ms, zone);
                assert!((1..=7).contains(&p.weekday) && p.hour < 24);
                assert!(minute_of_day(ms, zone) < 1440);
                let _ = start_of_local_day(ms, zone);
                assert!(!format_datetime(ms, zone).is_empty());
                assert!(!format_date(ms, zone).is_empty());
            }
        }
        assert_eq!(start_of_local_day(i64::MIN, UTC), i64::MIN);
        assert_eq!(start_of_local_day(i64::MIN, SH), i64::MIN); // midnight before i64::MIN
        // Near i64::MAX the local day can start a day later, yet its midnight still fits.
        let top = start_of_local_day(i64::MAX, tz(1080));
        assert_eq!(top, 9_223_372_036_850_400_000);
        assert_eq!(minute_of_day(top, tz(1080)), 0);
        let top = start_of_local_day(i64::MAX, tz(-1080));
        assert!(i64::MAX - top < MS_PER_DAY && minute_of_day(top, tz(-1080)) == 0);
    }

    #[test]
    fn local_parts_fields() {
        let p = local_parts(1_795_570_215_123, SH);
        let want = LocalParts {
            year: 2026,
            month: 11,
            day: 25,
            hour: 9,
            minute: 30,
            second: 15,
            millis: 123,
            weekday: 3, // Wednesday
        };
        assert_eq!(p, want);
        assert_eq!(local_parts(0, UTC).weekday, 4); // Thursday
        assert_eq!(local_parts(-1, UTC).weekday, 3);
        assert_eq!(local_parts(-25_567 * MS_PER_DAY, UTC).weekday, 1); // 1900-01-01 was a Monday
        let p = local_parts(-1, tz(-60));
        assert_eq!((p.year, p.month, p.day, p.hour, p.minute), (1969, 12, 31, 22, 59));
        assert_eq!((p.second, p.millis), (59, 999));
        // Weekdays cycle 1..=7 across the epoch.
        for d in -20..20 {
            let w = local_parts(d * MS_PER_DAY, UTC).weekday;
            assert_eq!(w, ((d.rem_euclid(7) + 3) % 7 + 1) as u32);
            assert_eq!(local_parts((d + 1) * MS_PER_DAY, UTC).weekday, w % 7 + 1);
        }
    }

    #[test]
    fn minute_of_day_and_start_of_day() {
        let t = 1_795_570_215_123; // 2026-11-25T09:30:15.123+08:00
        assert_eq!(minute_of_day(t, SH), 9 * 60 + 30);
        assert_eq!(minute_of_day(t, UTC), 60 + 30);
        assert_eq!(minute_of_day(t, tz(-330)), 20 * 60);
        assert_eq!(minute_of_day(-1, UTC), 1439);
        assert_eq!(minute_of_day(-1, SH), 479);
        assert_eq!(start_of_local_day(t, SH), 1_795_536_000_000);
        assert_eq!(start_of_local_day(1_795_536_000_000, SH), 1_795_536_000_000);
        assert_eq!(start_of_local_day(1_795_536_000_000 - 1, SH), 1_795_536_000_000 - MS_PER_DAY);
        assert_eq!(start_of_local_day(-1, UTC), -MS_PER_DAY);
        assert_eq!(start_of_local_day(-1, SH), -8 * MS_PER_HOUR);
        assert_eq!(start_of_local_day(0, tz(-330)), -MS_PER_DAY + 330 * MS_PER_MINUTE);
    }

    #[test]
    fn hhmm() {
        let ok = [("00:00", 0), ("09:30", 570), ("9:30", 570), ("23:59", 1439), ("24:00", 1440)];
        for (s, m) in ok {
            assert_eq!(parse_hhmm(s), Ok(m), "{s}");
        }
        assert_eq!(parse_hhmm(" 12:05 "), Ok(725));
        for s in ["", "0930", "09:3", "09:300", "009:30", "09-30", "ab:cd", ":30", "09:", "9:3"] {
            let e = parse_hhmm(s).unwrap_err();
            assert_eq!(e, format!("invalid time \"{s}\": expected HH:MM such as 09:30"));
        }
        assert_eq!(parse_hhmm("24:01").unwrap_err(), "hour 24 in \"24:01\" is out of range 00–23 (24:00 is allowed)");
        assert!(parse_hhmm("25:00").unwrap_err().starts_with("hour 25"));
        assert_eq!(parse_hhmm("12:60").unwrap_err(), "minute 60 in \"12:60\" is out of range 00–59");
    }

    #[test]
    fn round_trip_property() {
        // Instants spread over years 0000–9999, with and without milliseconds.
        let lo = days_from_civil(0, 1, 2) * MS_PER_DAY;
        let hi = days_from_civil(9999, 12, 30) * MS_PER_DAY;
        let zones = [tz(-1080), tz(-330), UTC, SH, tz(540), tz(1080)];
        let mut st = 0x2545_F491_4F6C_DD1D;
        for i in 0..200_000u64 {
            let r = rng(&mut st);
            let mut ms = lo + (r % (hi - lo) as u64) as i64;
            if i % 3 == 0 {
                ms -= ms.rem_euclid(MS_PER_SECOND); // exercise the no-fraction form
            }
            let zone = zones[(i % zones.len() as u64) as usize];
            let text = format_datetime(ms, zone);
            assert_eq!(parse_datetime(&text, SH), Ok(ms), "{text}");
            let midnight = start_of_local_day(ms, zone);
            assert_eq!(parse_datetime(&format_date(ms, zone), zone), Ok(midnight));
            let p = local_parts(ms, zone);
            assert_eq!(minute_of_day(ms, zone), p.hour * 60 + p.minute);
            assert_eq!(
                ms - midnight,
                i64::from(minute_of_day(ms, zone)) * MS_PER_MINUTE + i64::from(p.second * 1000 + p.millis)
            );
            let local = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
                p.year, p.month, p.day, p.hour, p.minute, p.second, p.millis
            );
            assert_eq!(parse_datetime(&local, zone), Ok(ms), "{local}");
        }
        // Every minute-aligned offset survives Display → parse → Display.
        for m in -1080..=1080 {
            let z = tz(m);
            assert_eq!(TimeZone::parse(&z.to_string()), Ok(z));
            assert_eq!(parse_datetime(&format_datetime(123_456_789, z), UTC), Ok(123_456_789));
        }
    }
}
