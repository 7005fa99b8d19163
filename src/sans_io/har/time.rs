//! Dates and frame times of HAR files: ISO 8601 dates from and to
//! milliseconds since the Unix epoch, and the unit of a frame's `time`.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
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

/// `ms` since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`, as `Date.toISOString`
/// writes it (years 0 to 9999).
pub(crate) fn iso(ms: f64) -> String {
    let total = ms.floor() as i64;
    let days = total.div_euclid(86_400_000);
    let in_day = total.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Reads `n` ASCII digits at the start of `s`; returns them and the rest.
fn digits(s: &str, n: usize) -> Option<(i64, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, s.get(n..)?))
}

/// Milliseconds since the epoch of an ISO 8601 date-time as HAR writers give
/// `startedDateTime`: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or
/// `±HH:MM`. `None` for anything else.
pub(crate) fn parse_iso(text: &str) -> Option<f64> {
    let (year, s) = digits(text, 4)?;
    let (month, s) = digits(s.strip_prefix('-')?, 2)?;
    let (day, s) = digits(s.strip_prefix('-')?, 2)?;
    let (hour, s) = digits(s.strip_prefix(['T', ' '])?, 2)?;
    let (minute, s) = digits(s.strip_prefix(':')?, 2)?;
    let (second, mut s) = digits(s.strip_prefix(':')?, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut fraction = 0.0;
    if let Some(rest) = s.strip_prefix('.') {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let text = rest.get(..n).filter(|t| !t.is_empty())?;
        // Digit by digit: no float parser in the wasm.
        let mut scale = 1.0;
        for digit in text.bytes() {
            scale /= 10.0;
            fraction += f64::from(digit - b'0') * scale;
        }
        s = rest.get(n..)?;
    }
    let offset_minutes = match s {
        "Z" | "z" => 0,
        _ => {
            let sign = match s.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (h, rest) = digits(s.get(1..)?, 2)?;
            let (m, rest) = digits(rest.strip_prefix(':').unwrap_or(rest), 2)?;
            if !rest.is_empty() {
                return None;
            }
            sign * (h * 60 + m)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some((seconds as f64 + fraction) * 1000.0)
}

/// A frame's `time` in milliseconds since the epoch. Chrome DevTools writes
/// seconds, Playwright milliseconds: told apart by size (seconds since the
/// epoch pass 10^11 in the year 5138; milliseconds did in 1973).
pub(crate) fn frame_time_ms(time: f64) -> f64 {
    if time.abs() >= 1e11 {
        time
    } else {
        time * 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::{frame_time_ms, iso, parse_iso};

    #[test]
    fn iso_dates_as_date_to_iso_string_writes_them() {
        assert_eq!(iso(0.0), "1970-01-01T00:00:00.000Z");
        // new Date(1764669600123.9).toISOString()
        assert_eq!(iso(1_764_669_600_123.9), "2025-12-02T10:00:00.123Z");
        assert_eq!(iso(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso(-1.0), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn every_day_of_eight_centuries_maps_to_its_date_and_back() {
        use super::{civil_from_days, days_from_civil};
        let mut days = days_from_civil(1600, 1, 1);
        for year in 1600..2400 {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            for month in 1..=12 {
                let length = match month {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                for day in 1..=length {
                    assert_eq!(
                        days_from_civil(year, month, day),
                        days,
                        "{year}-{month}-{day}"
                    );
                    assert_eq!(civil_from_days(days), (year, month, day), "day {days}");
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn iso_dates_read_back() {
        for ms in [
            0.0,
            1_764_669_600_123.0,
            951_782_400_000.0,
            4_102_444_799_999.0,
        ] {
            assert_eq!(parse_iso(&iso(ms)), Some(ms), "{ms}");
        }
        assert_eq!(
            parse_iso("2025-12-02T11:00:00+01:00"),
            Some(1_764_669_600_000.0)
        );
        assert_eq!(
            parse_iso("2025-12-02T09:30:00.5-00:30"),
            Some(1_764_669_600_500.0)
        );
        assert_eq!(
            parse_iso("2025-12-02 10:00:00.123456Z"),
            Some(1_764_669_600_123.456)
        );
        for bad in [
            "",
            "2025-12-02",
            "2025-13-02T10:00:00Z",
            "2025-12-02T24:00:00Z",
            "2025-12-02T10:00:00",
            "2025-12-02T10:00:00.Z",
            "2025-12-02T10:00:00+1",
            "2025-12-02T10:00:00Zjunk",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn frame_times_in_seconds_or_milliseconds() {
        assert_eq!(frame_time_ms(1_764_669_600.25), 1_764_669_600_250.0);
        assert_eq!(frame_time_ms(1_764_669_600_250.0), 1_764_669_600_250.0);
        assert_eq!(frame_time_ms(0.5), 500.0);
    }
}
