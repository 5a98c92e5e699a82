//! Schedules: the shortest gap between two runs of a cron expression, in milliseconds.

pub const SECOND: u64 = 1_000;
pub const MINUTE: u64 = 60 * SECOND;
pub const HOUR: u64 = 60 * MINUTE;
pub const DAY: u64 = 24 * HOUR;
pub const WEEK: u64 = 7 * DAY;

/// The shortest gap between two runs of a cron expression, in milliseconds: `* * * * *` is a
/// minute, `*/5 * * * * *` (with seconds) 5 s, `0 * * * *` an hour, `30 9 * * *` a day. `None`
/// when unsure: day-of-week and day-of-month schedules, names, `L`, `#`.
pub fn cron(expression: &str) -> Option<u64> {
    let expression = expression.trim();
    match expression {
        "@hourly" => return Some(HOUR),
        "@daily" | "@midnight" => return Some(DAY),
        "@weekly" => return Some(WEEK),
        _ if expression.starts_with('@') => return None,
        _ => {}
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    // Seconds, minutes and hours, finest first, with their unit and range.
    let times: &[(u64, u64)] = match fields.len() {
        5 => &[(MINUTE, 60), (HOUR, 24)],
        6 => &[(SECOND, 60), (MINUTE, 60), (HOUR, 24)],
        _ => return None,
    };
    for (field, &(unit, range)) in fields.iter().zip(times) {
        match gap(field, range)? {
            Gap::Every(n) => return Some(n * unit),
            Gap::Fixed => {}
        }
    }
    // A fixed time of day: the days decide.
    let any = |field: &str| matches!(field, "*" | "?");
    let (day_of_month, month, day_of_week) = (fields[times.len()], fields[times.len() + 1], fields[times.len() + 2]);
    if !any(month) {
        return None;
    }
    let days = match (any(day_of_month), any(day_of_week)) {
        (true, true) => 1,
        // `0 9 * * 1-5` runs every weekday: a day apart at least; `0 12 * * 0` a week.
        (true, false) => match gap(&weekday_numbers(day_of_week)?, 7)? {
            Gap::Every(n) => n,
            Gap::Fixed => 7,
        },
        // `0 0 1 * *`: from February 1st to March 1st is 28 days.
        (false, true) => match gap(day_of_month, 28)? {
            Gap::Every(n) => n,
            Gap::Fixed => 28,
        },
        // Either matches (cron's OR): too clever to be sure.
        (false, false) => return None,
    };
    Some(days * DAY)
}

/// A day-of-week field with names as numbers and Sunday as 0: `MON-FRI` -> `1-5`.
fn weekday_numbers(field: &str) -> Option<String> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| -> Option<()> {
        if word.is_empty() {
            return Some(());
        }
        let number = match word.parse::<u64>() {
            Ok(7) => 0,
            Ok(n) if n < 7 => n,
            Ok(_) => return None,
            Err(_) => NAMES.iter().position(|name| name.eq_ignore_ascii_case(word))? as u64,
        };
        out.push_str(&number.to_string());
        word.clear();
        Some(())
    };
    for c in field.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out)?;
            out.push(c);
        }
    }
    flush(&mut word, &mut out)?;
    Some(out)
}

enum Gap {
    /// Runs every `n` units of this field.
    Every(u64),
    /// One value: the next coarser field decides.
    Fixed,
}

/// The shortest step of one cron field over `range` values. `None` for what is not understood.
fn gap(field: &str, range: u64) -> Option<Gap> {
    if matches!(field, "*" | "?") {
        return Some(Gap::Every(1));
    }
    let mut values = Vec::new();
    let mut step = None::<u64>;
    for item in field.split(',') {
        if let Some((_, by)) = item.split_once('/') {
            // `*/5`, `0-30/10`, `5/15`.
            let by: u64 = by.parse().ok().filter(|by| *by > 0)?;
            step = Some(step.map_or(by, |s| s.min(by)));
        } else if let Some((from, to)) = item.split_once('-') {
            let (from, to): (u64, u64) = (from.parse().ok()?, to.parse().ok()?);
            if to > from {
                step = Some(1);
            } else {
                values.push(from);
            }
        } else {
            values.push(item.parse().ok()?);
        }
    }
    if let Some(step) = step {
        return Some(Gap::Every(step));
    }
    values.sort_unstable();
    values.dedup();
    if values.len() < 2 {
        return Some(Gap::Fixed);
    }
    let inner = values.windows(2).map(|pair| pair[1] - pair[0]).min()?;
    // Around the end of the range: `0,50` in minutes runs at :50 and again 10 min later; days of
    // the month wrap at the end of the shortest month that has the last one.
    let last = values[values.len() - 1];
    let around = values[0] + range.max(last) - last;
    Some(Gap::Every(inner.min(around).max(1)))
}
