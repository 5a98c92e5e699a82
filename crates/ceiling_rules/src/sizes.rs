//! Sizes and ages as people read them, for the messages of database rules.

/// `512 B`, `48 kB`, `3.2 MB`, `1.4 GB`.
pub fn bytes(count: i64) -> String {
    let count = count.max(0) as f64;
    match count {
        c if c < 1024.0 => format!("{c} B"),
        c if c < 1024.0 * 1024.0 => format!("{:.0} kB", c / 1024.0),
        c if c < 1024.0 * 1024.0 * 1024.0 => format!("{:.1} MB", c / (1024.0 * 1024.0)),
        c => format!("{:.1} GB", c / (1024.0 * 1024.0 * 1024.0)),
    }
}

/// `3 days`, `5 hours`, `40 minutes`, `12 seconds`: the largest whole unit.
pub fn duration(secs: f64) -> String {
    let (value, unit) = if secs >= 86_400.0 {
        (secs / 86_400.0, "day")
    } else if secs >= 3_600.0 {
        (secs / 3_600.0, "hour")
    } else if secs >= 60.0 {
        (secs / 60.0, "minute")
    } else {
        (secs, "second")
    };
    let value = value.floor() as u64;
    format!("{value} {unit}{}", if value == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_people_write() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(8192), "8 kB");
        assert_eq!(bytes(5 * 1024 * 1024 + 300_000), "5.3 MB");
        assert_eq!(duration(90.0), "1 minute");
        assert_eq!(duration(3.0 * 86_400.0 + 5.0), "3 days");
        assert_eq!(duration(7.0), "7 seconds");
    }
}
