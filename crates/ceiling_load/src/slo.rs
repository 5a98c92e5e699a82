//! The service-level objective a step must meet: latency percentiles and an error rate.

use std::time::Duration;

use ceiling_page::units::format_ms;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    pub percentiles: Vec<LatencyLimit>,
    /// Errors (no response, 5xx or 429) as a share of requests, 0.01 for 1%.
    pub max_error_rate: f64,
}

/// `p95=500ms` is `{ percentile: 95.0, limit_ms: 500.0 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencyLimit {
    pub percentile: f64,
    pub limit_ms: f64,
}

impl LatencyLimit {
    pub fn limit(&self) -> Duration {
        Duration::from_secs_f64(self.limit_ms / 1000.0)
    }
}

impl Default for Slo {
    fn default() -> Slo {
        Slo { percentiles: vec![LatencyLimit { percentile: 95.0, limit_ms: 500.0 }], max_error_rate: 0.01 }
    }
}

impl Slo {
    /// Parses `p95=500ms`, `p99=2s,p50=100ms`.
    pub fn parse_percentiles(text: &str) -> Result<Vec<LatencyLimit>, String> {
        let mut percentiles = Vec::new();
        for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            let Some((name, limit)) = part.split_once('=') else {
                return Err(format!("invalid SLO `{part}`: write it as p95=500ms"));
            };
            let percentile: f64 = name
                .trim()
                .strip_prefix('p')
                .and_then(|number| number.parse().ok())
                .filter(|p| (0.0..=100.0).contains(p) && *p > 0.0)
                .ok_or_else(|| format!("invalid SLO `{part}`: `{name}` is not a percentile such as p95 or p99.9"))?;
            let limit = parse_duration(limit.trim()).map_err(|error| format!("invalid SLO `{part}`: {error}"))?;
            percentiles.push(LatencyLimit { percentile, limit_ms: limit.as_secs_f64() * 1000.0 });
        }
        if percentiles.is_empty() {
            return Err("invalid SLO: give at least one percentile, e.g. p95=500ms".to_owned());
        }
        Ok(percentiles)
    }

    /// Parses `1%` or `0.01`.
    pub fn parse_error_rate(text: &str) -> Result<f64, String> {
        let trimmed = text.trim();
        let rate = match trimmed.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
            None => trimmed.parse::<f64>(),
        }
        .map_err(|_| format!("invalid error rate `{text}`: write it as 1% or 0.01"))?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("invalid error rate `{text}`: it must lie between 0% and 100%"));
        }
        Ok(rate)
    }

    /// The tightest latency limit, which the early stop of a step is measured against.
    pub fn tightest(&self) -> Duration {
        self.percentiles.iter().map(LatencyLimit::limit).min().unwrap_or(Duration::from_millis(500))
    }

    /// `p95 ≤ 500 ms, errors ≤ 1%`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .percentiles
            .iter()
            .map(|limit| format!("{} ≤ {}", percentile_name(limit.percentile), format_ms(limit.limit_ms)))
            .collect();
        parts.push(format!("errors ≤ {}%", trim_float(self.max_error_rate * 100.0)));
        parts.join(", ")
    }
}

pub fn percentile_name(percentile: f64) -> String {
    format!("p{}", trim_float(percentile))
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `500ms`, `2s`, `1.5s`, `250us`, `1m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration such as 500ms or 2s"))?;
    let seconds = match unit.trim() {
        "us" | "µs" => value / 1e6,
        "ms" => value / 1e3,
        "s" | "" => value,
        "m" | "min" => value * 60.0,
        other => return Err(format!("`{other}` is not a unit; use us, ms, s or m")),
    };
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(format!("`{text}` must be a positive duration"));
    }
    if seconds > 86_400.0 {
        return Err(format!("`{text}` is longer than a day"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_rates_parse() {
        assert_eq!(
            Slo::parse_percentiles("p95=500ms, p99.9=2s").unwrap(),
            vec![
                LatencyLimit { percentile: 95.0, limit_ms: 500.0 },
                LatencyLimit { percentile: 99.9, limit_ms: 2000.0 }
            ]
        );
        assert_eq!(Slo::parse_error_rate("1%").unwrap(), 0.01);
        assert_eq!(Slo::parse_error_rate("0.05").unwrap(), 0.05);
        assert!(Slo::parse_percentiles("p95<500ms").unwrap_err().contains("p95=500ms"));
        assert!(Slo::parse_percentiles("x95=1s").unwrap_err().contains("percentile"));
        assert!(Slo::parse_percentiles("p95=fast").unwrap_err().contains("duration"));
        assert!(Slo::parse_error_rate("150%").is_err());
        assert_eq!(Slo::default().describe(), "p95 ≤ 500 ms, errors ≤ 1%");
        let two = Slo { percentiles: Slo::parse_percentiles("p99=2s").unwrap(), max_error_rate: 0.005 };
        assert_eq!(two.describe(), "p99 ≤ 2 s, errors ≤ 0.5%");
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250us").unwrap(), Duration::from_micros(250));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("99999999999999999999s").unwrap_err().contains("a day"));
    }
}
