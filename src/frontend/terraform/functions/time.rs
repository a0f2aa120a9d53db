//! `timeadd`, `timecmp` and `formatdate` over RFC 3339 timestamps, as Go's `time` package
//! parses, adds and prints them (an instant with the offset it was written with).

use super::super::convert::to_string;
use super::super::number::Number;
use super::super::value::Value;
use super::{arg_error, arity};

pub const NAMES: &[&str] = &["timeadd", "timecmp", "formatdate"];

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    let text = |i: usize, param: &str| to_string(&args[i]).map_err(|e| arg_error(param, e));
    Some(arity(name, args, 2, 2).and_then(|()| match name {
        "timeadd" => {
            let time = Time::parse(&text(0, "timestamp")?)?;
            let nanos = parse_duration(&text(1, "duration")?)?;
            Ok(Value::String(time.add(nanos)?.rfc3339()))
        }
        "timecmp" => {
            let a = Time::parse(&text(0, "timestamp_a")?)?;
            let b = Time::parse(&text(1, "timestamp_b")?)?;
            Ok(Value::number(Number::from_i64(
                match a.instant().cmp(&b.instant()) {
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Greater => 1,
                },
            )))
        }
        _ => {
            let spec = text(0, "format")?;
            let time = Time::parse(&text(1, "time")?)?;
            format_date(&spec, &time).map(Value::String)
        }
    }))
}

/// A local date and time with the UTC offset it was written with.
#[derive(Clone, Copy)]
struct Time {
    /// Days since 1970-01-01 of the local date.
    days: i64,
    /// Seconds since local midnight.
    seconds: i64,
    nanos: i64,
    /// Offset from UTC in seconds.
    offset: i64,
}

impl Time {
    /// Go's `time.Parse(time.RFC3339, s)` (a fraction of a second is accepted).
    fn parse(s: &str) -> Result<Time, String> {
        let bad = || format!("not a valid RFC3339 timestamp: {s:?}");
        let b = s.as_bytes();
        let digits = |from: usize, n: usize| -> Option<i64> {
            let part = s.get(from..from + n)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let sep = |at: usize, c: u8| b.get(at) == Some(&c);
        if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
            return Err(bad());
        }
        let (year, month, day) = (
            digits(0, 4).ok_or_else(bad)?,
            digits(5, 2).ok_or_else(bad)?,
            digits(8, 2).ok_or_else(bad)?,
        );
        let (hour, minute, second) = (
            digits(11, 2).ok_or_else(bad)?,
            digits(14, 2).ok_or_else(bad)?,
            digits(17, 2).ok_or_else(bad)?,
        );
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(bad());
        }
        let mut pos = 19;
        let mut nanos = 0;
        if sep(pos, b'.') {
            let start = pos + 1;
            pos = start;
            while b.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if pos == start {
                return Err(bad());
            }
            let fraction: String = s[start..pos].chars().take(9).collect();
            nanos = format!("{fraction:0<9}").parse().map_err(|_| bad())?;
        }
        let offset = match &s[pos..] {
            "Z" => 0,
            zone => {
                let zb = zone.as_bytes();
                if zb.len() != 6 || !matches!(zb[0], b'+' | b'-') || zb[3] != b':' {
                    return Err(bad());
                }
                let hh = digits(pos + 1, 2).ok_or_else(bad)?;
                let mm = digits(pos + 4, 2).ok_or_else(bad)?;
                if hh > 23 || mm > 59 {
                    return Err(bad());
                }
                let sign = if zb[0] == b'-' { -1 } else { 1 };
                sign * (hh * 3600 + mm * 60)
            }
        };
        Ok(Time {
            days: days_from_civil(year, month, day),
            seconds: hour * 3600 + minute * 60 + second,
            nanos,
            offset,
        })
    }

    /// Nanoseconds since the epoch (UTC).
    fn instant(&self) -> i128 {
        (i128::from(self.days) * 86_400 + i128::from(self.seconds - self.offset)) * 1_000_000_000
            + i128::from(self.nanos)
    }

    fn add(self, nanos: i128) -> Result<Time, String> {
        let local = (i128::from(self.days) * 86_400 + i128::from(self.seconds)) * 1_000_000_000
            + i128::from(self.nanos)
            + nanos;
        let total_seconds = local.div_euclid(1_000_000_000);
        let days = i64::try_from(total_seconds.div_euclid(86_400))
            .map_err(|_| "time out of range".to_string())?;
        Ok(Time {
            days,
            seconds: total_seconds.rem_euclid(86_400) as i64,
            nanos: local.rem_euclid(1_000_000_000) as i64,
            offset: self.offset,
        })
    }

    fn civil(&self) -> (i64, i64, i64) {
        civil_from_days(self.days)
    }

    /// The offset as `+hh:mm` or `+hhmm`.
    fn zone(&self, colon: bool) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let minutes = self.offset.abs() / 60;
        let sep = if colon { ":" } else { "" };
        format!("{sign}{:02}{sep}{:02}", minutes / 60, minutes % 60)
    }

    /// `time.RFC3339`: fractions dropped, a zero offset as `Z`.
    fn rfc3339(&self) -> String {
        let (y, m, d) = self.civil();
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{}",
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
            if self.offset == 0 {
                "Z".to_string()
            } else {
                self.zone(true)
            }
        )
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(super) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian calendar).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(s: &str) -> Result<i128, String> {
    let bad = || format!("time: invalid duration {s:?}");
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac = "";
        if let Some(after) = rest.strip_prefix('.') {
            let len = after.bytes().take_while(u8::is_ascii_digit).count();
            frac = &after[..len];
            rest = &after[len..];
            if int.is_empty() && frac.is_empty() {
                return Err(bad());
            }
        } else if int.is_empty() {
            return Err(bad());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit: i128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            other => return Err(format!("time: unknown unit {other:?} in duration {s:?}")),
        };
        rest = &rest[unit_len..];
        let whole: i128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| bad())?
        };
        let mut value = whole.checked_mul(unit).ok_or_else(bad)?;
        // The fraction, truncated to whole nanoseconds as Go computes it.
        let mut scale: i128 = 1;
        let mut fraction: i128 = 0;
        for digit in frac.bytes().take(30) {
            fraction = fraction * 10 + i128::from(digit - b'0');
            scale *= 10;
        }
        value += fraction * unit / scale;
        total = total.checked_add(value).ok_or_else(bad)?;
        if total > i128::from(i64::MAX) {
            return Err(bad());
        }
    }
    Ok(if negative { -total } else { total })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// cty's `formatdate` specification language.
fn format_date(spec: &str, time: &Time) -> Result<String, String> {
    let (year, month, day) = time.civil();
    let hour = time.seconds / 3600;
    let minute = time.seconds / 60 % 60;
    let second = time.seconds % 60;
    let weekday = (time.days + 4).rem_euclid(7) as usize;
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut literal = String::new();
            loop {
                match chars.get(j) {
                    None => return Err("unterminated literal '".to_string()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        literal.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(other) => {
                        literal.push(*other);
                        j += 1;
                    }
                }
            }
            out.push_str(&literal);
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        let token: String = std::iter::repeat_n(c, run).collect();
        let text = match token.as_str() {
            "YYYY" => format!("{year:04}"),
            "YY" => format!("{:02}", year.rem_euclid(100)),
            "MMMM" => MONTHS[(month - 1) as usize].to_string(),
            "MMM" => MONTHS[(month - 1) as usize][..3].to_string(),
            "MM" => format!("{month:02}"),
            "M" => month.to_string(),
            "DD" => format!("{day:02}"),
            "D" => day.to_string(),
            "EEEE" => WEEKDAYS[weekday].to_string(),
            "EEE" => WEEKDAYS[weekday][..3].to_string(),
            "hh" => format!("{hour:02}"),
            "h" => hour.to_string(),
            "HH" => format!("{:02}", (hour + 11) % 12 + 1),
            "H" => ((hour + 11) % 12 + 1).to_string(),
            "AA" => if hour < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if hour < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{minute:02}"),
            "m" => minute.to_string(),
            "ss" => format!("{second:02}"),
            "s" => second.to_string(),
            "ZZZZZ" => time.zone(true),
            "ZZZZ" => time.zone(false),
            "ZZZ" if time.offset == 0 => "UTC".to_string(),
            "ZZZ" => time.zone(false),
            "Z" if time.offset == 0 => "Z".to_string(),
            "Z" => time.zone(true),
            _ => {
                return Err(format!(
                    "invalid date format verb {token:?}: unsupported format verb"
                ))
            }
        };
        out.push_str(&text);
        i += run;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call2(name: &str, a: &str, b: &str) -> Result<Value, String> {
        call(
            name,
            &[Value::String(a.to_string()), Value::String(b.to_string())],
        )
        .expect("time function")
    }

    #[test]
    fn like_terraform() {
        assert_eq!(
            call2(
                "formatdate",
                "DD MMM YYYY hh:mm ZZZ EEEE",
                "2018-01-02T23:12:01Z"
            ),
            Ok(Value::String("02 Jan 2018 23:12 UTC Tuesday".into()))
        );
        assert_eq!(
            call2("timeadd", "2017-11-22T00:00:00Z", "10m1.5s"),
            Ok(Value::String("2017-11-22T00:10:01Z".into()))
        );
        assert_eq!(
            call2(
                "timecmp",
                "2017-11-22T00:00:00Z",
                "2017-11-22T01:00:00+01:00"
            ),
            Ok(Value::number(Number::from_i64(0)))
        );
        assert!(call2("timeadd", "2017-11-22", "1h").is_err());
        assert!(call2("timeadd", "2017-11-22T00:00:00Z", "1").is_err());
    }
}
