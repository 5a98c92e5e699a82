//! Short human numbers for timings and table sizes, shared by the HTML charts and the terminal report.

/// A timing with two significant digits below 10 and whole numbers above: "0.012 ms", "3.4 ms", "41 ms", "1.2 s".
pub fn format_ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "n/a".to_string();
    }
    // 999.5 ms would round to "1000 ms"; it reads better as "1 s".
    if ms >= 999.5 { format!("{} s", short(ms / 1000.0)) } else { format!("{} ms", short(ms)) }
}

/// A row count: "800", "1k", "2.5M", "3B".
pub fn format_rows(rows: f64) -> String {
    if !rows.is_finite() || rows < 0.0 {
        return "n/a".to_string();
    }
    // Each unit starts where the one below would round up to "1000".
    match rows {
        r if r < 999.5 => format!("{r:.0}"),
        r if r < 999.5e3 => format!("{}k", short(r / 1e3)),
        r if r < 999.5e6 => format!("{}M", short(r / 1e6)),
        r => format!("{}B", short(r / 1e9)),
    }
}

/// Two significant digits below 10, none above, and no trailing zeros: 0.0123 → "0.012", 1.0 → "1", 41.3 → "41".
fn short(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let decimals = if value >= 10.0 { 0 } else { (1 - value.log10().floor() as i32).clamp(0, 6) as usize };
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings() {
        let cases = [
            (0.0, "0 ms"),
            (0.0123, "0.012 ms"),
            (0.01, "0.01 ms"),
            (0.1, "0.1 ms"),
            (0.0996, "0.1 ms"),
            (3.44, "3.4 ms"),
            (9.96, "10 ms"),
            (41.3, "41 ms"),
            (999.4, "999 ms"),
            (999.6, "1 s"),
            (1234.0, "1.2 s"),
            (41_000.0, "41 s"),
            (f64::NAN, "n/a"),
        ];
        for (ms, text) in cases {
            assert_eq!(format_ms(ms), text, "{ms}");
        }
    }

    #[test]
    fn row_counts() {
        let cases = [
            (1.0, "1"),
            (800.0, "800"),
            (1e3, "1k"),
            (1500.0, "1.5k"),
            (1e4, "10k"),
            (123_456.0, "123k"),
            (999_999.0, "1M"),
            (2.5e6, "2.5M"),
            (1e7, "10M"),
            (3e9, "3B"),
        ];
        for (rows, text) in cases {
            assert_eq!(format_rows(rows), text, "{rows}");
        }
    }
}
