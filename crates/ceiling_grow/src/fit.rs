//! Which growth class a query's time follows as its table grows, from a handful of (rows, ms) points.
//!
//! The class comes from the log-log slope over the largest decade of sizes (1 is linear, 2 quadratic), with
//! bands wide enough for cache effects and timing noise; flat curves choose between constant and logarithm by
//! their fit. The class's `t = a + b·f(n)` is then fitted by least squares weighted by 1/t², so it is the
//! relative error that counts: the 1k point weighs as much as the 1M point.

use serde::{Deserialize, Serialize};

/// Below this the timings are a few buffer hits, and their wobble is noise, not growth.
const NOISE_FLOOR_MS: f64 = 0.05;
/// A time that moved less than this factor ...
const FLAT_RATIO: f64 = 2.0;
/// ... while the table grew at least this factor is constant: four noisy points cannot tell constant from log.
const FLAT_SPAN: f64 = 100.0;
/// A logarithm must cut a constant's weighted squared error this many times to replace it.
const BETTER_BY: f64 = 4.0;
/// The local log-log slope (time exponent per row ratio) from which a curve is n log n, quadratic
/// or linear. A sort that spills to disk climbs at 1.5 to 1.7 for a decade: quadratic needs more. Cache effects make a seq scan over 1k rows cheaper per row than over 100k (a local
/// slope of 1.1 to 1.2 is common), and n log n's own local slope is only 1 + 1/ln n: a true
/// n log n reads as linear, and only a clearly steeper climb as more.
const MIN_SLOPE_N_LOG_N: f64 = 1.25;
const MIN_SLOPE_QUADRATIC: f64 = 1.8;
/// The local slope is read over at least this ratio of sizes.
const SLOPE_SPAN: f64 = 10.0;
/// Below this local slope the time is not growing in proportion to the rows.
const MIN_SLOPE_LINEAR: f64 = 0.5;
/// Weights are 1/t², and a 0 ms timing (below the clock's resolution) would get an infinite one.
const MIN_MS: f64 = 1e-3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Growth {
    Constant,
    Logarithmic,
    Linear,
    NLogN,
    Quadratic,
}

impl Growth {
    pub fn label(self) -> &'static str {
        match self {
            Growth::Constant => "constant",
            Growth::Logarithmic => "logarithmic",
            Growth::Linear => "linear",
            Growth::NLogN => "n log n",
            Growth::Quadratic => "quadratic",
        }
    }

    /// f(n); rows below 1 count as 1 so that every shape stays non-negative and a slope b ≥ 0 means "grows".
    fn shape(self, rows: f64) -> f64 {
        let n = rows.max(1.0);
        match self {
            Growth::Constant => 1.0,
            Growth::Logarithmic => n.ln(),
            Growth::Linear => n,
            Growth::NLogN => n * n.ln(),
            Growth::Quadratic => n * n,
        }
    }
}

/// `t = intercept + slope · f(rows)`, in milliseconds, with f given by `growth`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    pub growth: Growth,
    pub intercept: f64,
    pub slope: f64,
}

impl Fit {
    /// The projected time at `rows`.
    pub fn at(&self, rows: f64) -> f64 {
        self.intercept + self.slope * self.growth.shape(rows)
    }
}

/// The growth class of `(rows, ms)` points; `None` when fewer than two distinct row counts were measured or a
/// value is negative or not finite.
pub fn fit(points: &[(f64, f64)]) -> Option<Fit> {
    if points.iter().any(|&(n, t)| !(n.is_finite() && t.is_finite() && n >= 0.0 && t >= 0.0)) {
        return None;
    }
    let (min_n, max_n) = min_max(points.iter().map(|p| p.0))?;
    if max_n <= min_n {
        return None;
    }
    let (min_t, max_t) = min_max(points.iter().map(|p| p.1))?;
    if max_t < NOISE_FLOOR_MS || (max_t < FLAT_RATIO * min_t && max_n >= FLAT_SPAN * min_n) {
        let mut times: Vec<f64> = points.iter().map(|p| p.1).collect();
        return Some(Fit { growth: Growth::Constant, intercept: median(&mut times), slope: 0.0 });
    }
    // The class comes from how steeply the time climbs over the largest sizes, where it
    // matters; least squares over those same sizes then gives that class its coefficients, so
    // that a projection continues the curve where it was last measured. (Comparing the models'
    // errors alone cannot tell a steep curve from a flat one: weighted by 1/t², a constant's
    // error per point is at most about 1.)
    let tail = large_end(points);
    let growth = match slope(&tail) {
        slope if slope >= MIN_SLOPE_QUADRATIC => Growth::Quadratic,
        slope if slope >= MIN_SLOPE_N_LOG_N => Growth::NLogN,
        slope if slope >= MIN_SLOPE_LINEAR => Growth::Linear,
        // Flat or nearly: a logarithm only when it fits clearly better than a constant.
        _ => {
            let constant = fit_model(points, Growth::Constant);
            let logarithmic = fit_model(points, Growth::Logarithmic);
            return Some(if logarithmic.1 * BETTER_BY < constant.1 { logarithmic.0 } else { constant.0 });
        }
    };
    let mut fit = fit_model(&tail, growth).0;
    // Through the largest point: a projection starts where the curve was last measured (with
    // a ≥ 0, a steep tail cannot be fitted exactly, and least squares would start below it).
    if let Some(&(n, t)) = tail.last()
        && t > fit.intercept
    {
        fit.slope = (t - fit.intercept) / growth.shape(n);
    }
    Some(fit)
}

/// The weighted least-squares fit of one model with a, b ≥ 0, and its weighted squared error.
fn fit_model(points: &[(f64, f64)], growth: Growth) -> (Fit, f64) {
    // f(n) scaled to at most 1: n² at 1M rows is 1e12, and the normal equations would square that again.
    let scale = points.iter().map(|p| growth.shape(p.0)).fold(0.0, f64::max);
    let rows: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|&(n, t)| {
            let g = if scale > 0.0 { growth.shape(n) / scale } else { 0.0 };
            (1.0 / t.max(MIN_MS).powi(2), g, t)
        })
        .collect();
    let sum = |f: &dyn Fn(f64, f64) -> f64| rows.iter().map(|&(w, g, t)| w * f(g, t)).sum::<f64>();
    let (s, sg, sgg, st, sgt) =
        (sum(&|_, _| 1.0), sum(&|g, _| g), sum(&|g, _| g * g), sum(&|_, t| t), sum(&|g, t| g * t));

    // The unconstrained solution, then b alone (a = 0), then a alone (b = 0); a constant has only the last.
    let mut candidates = Vec::with_capacity(3);
    if growth != Growth::Constant {
        let det = s * sgg - sg * sg;
        if det > 1e-12 * s * sgg {
            candidates.push(((sgg * st - sg * sgt) / det, (s * sgt - sg * st) / det));
        }
        if sgg > 0.0 {
            candidates.push((0.0, sgt / sgg));
        }
    }
    candidates.push((st / s, 0.0));

    let mut best: Option<(f64, f64, f64)> = None;
    for (a, b) in candidates.into_iter().filter(|&(a, b)| a >= 0.0 && b >= 0.0) {
        let sse = sum(&|g, t| (t - a - b * g).powi(2));
        if best.is_none_or(|(_, _, best_sse)| sse < best_sse) {
            best = Some((a, b, sse));
        }
    }
    // a alone is the weighted mean of non-negative times, so it is always feasible.
    let (a, b, sse) = best.unwrap_or((st / s, 0.0, f64::INFINITY));
    let slope = if scale > 0.0 { b / scale } else { 0.0 };
    (Fit { growth, intercept: a, slope }, sse)
}

/// The points at the large end: the largest and those down to a tenth of it, or one more below
/// (at least a decade). Over a 2x span alone, a few percent of timing noise would swing the slope
/// by a whole class.
fn large_end(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<(f64, f64)> = points.iter().filter(|p| p.0 > 0.0).copied().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let Some(&(largest, _)) = sorted.last() else { return sorted };
    let first = sorted.iter().rposition(|p| p.0 * SLOPE_SPAN <= largest).unwrap_or(0);
    sorted.split_off(first)
}

/// The least-squares slope of ln t over ln n.
fn slope(points: &[(f64, f64)]) -> f64 {
    let logs: Vec<(f64, f64)> = points.iter().map(|&(n, t)| (n.ln(), t.max(MIN_MS).ln())).collect();
    if logs.len() < 2 {
        return 0.0;
    }
    let count = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / count;
    let covariance: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let variance: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if variance > 0.0 { covariance / variance } else { 0.0 }
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: [f64; 4] = [1e3, 1e4, 1e5, 1e6];

    fn measured(ms: [f64; 4]) -> Fit {
        let points: Vec<(f64, f64)> = ROWS.into_iter().zip(ms).collect();
        fit(&points).expect("four distinct sizes fit")
    }

    #[test]
    fn seq_scan_on_an_unindexed_foreign_key_is_linear_and_projects_to_about_828_ms_at_10m() {
        let fit = measured([0.077, 0.787, 11.24, 78.39]);
        assert_eq!(fit.growth, Growth::Linear);
        let at_10m = fit.at(1e7);
        assert!((828.0 * 0.75..=828.0 * 1.25).contains(&at_10m), "{at_10m}");
    }

    #[test]
    fn unindexed_filter_with_order_by_and_limit_is_linear() {
        assert_eq!(measured([0.166, 1.819, 14.48, 99.82]).growth, Growth::Linear);
    }

    #[test]
    fn index_lookups_are_constant() {
        for ms in [[0.011, 0.013, 0.007, 0.007], [0.014, 0.017, 0.009, 0.008], [0.016, 0.011, 0.013, 0.012]] {
            let fit = measured(ms);
            assert_eq!(fit.growth, Growth::Constant, "{ms:?}");
            assert_eq!(fit.slope, 0.0);
            assert!((0.007..=0.017).contains(&fit.intercept), "{fit:?}");
        }
    }

    #[test]
    fn indexed_hot_key_grows_linearly_with_its_result() {
        // The hottest parent owns a fixed share of the children: its result grows with the table.
        assert_eq!(measured([0.066, 0.217, 1.968, 24.60]).growth, Growth::Linear);
    }

    #[test]
    fn the_projection_continues_the_curve_where_it_was_last_measured() {
        // Measured on a real app: a sort of the whole table, 202 ms at 100k rows, 2.9 s at 1M.
        let points = [(1e3, 1.1), (1e4, 14.0), (1e5, 202.263), (1e6, 2893.461)];
        let fit = fit(&points).unwrap();
        let at_1m = fit.at(1e6);
        assert!((2893.0 * 0.9..=2893.0 * 1.1).contains(&at_1m), "{fit:?} gives {at_1m} at 1M");
    }

    #[test]
    fn a_last_step_of_only_2x_is_read_with_the_decade_before_it() {
        // Measured while another benchmark ran: the 200k point took as long as the 100k one.
        let points = [(1e3, 0.138), (1e4, 1.173), (1e5, 12.158), (2e5, 12.022)];
        assert_eq!(fit(&points).unwrap().growth, Growth::Linear);
    }

    #[test]
    fn a_seq_scan_that_outgrows_the_cpu_cache_is_still_linear() {
        // Measured on the Drizzle example: 15x per 10x rows from 1k to 10k, 12.6x from 10k to 100k.
        let points = [(1e3, 0.076), (1e4, 1.179), (1e5, 14.903)];
        assert_eq!(fit(&points).unwrap().growth, Growth::Linear);
    }

    #[test]
    fn a_steep_climb_is_n_log_n_and_a_steeper_one_quadratic() {
        // A true n log n climbs at 1.07 to 1.14 per decade here and reads as linear (documented
        // above); only a curve clearly steeper than linear earns a steeper class.
        let n_log_n: Vec<(f64, f64)> = [1e3, 1e4, 1e5].map(|n: f64| (n, 1e-5 * n * n.ln())).to_vec();
        assert_eq!(fit(&n_log_n).unwrap().growth, Growth::Linear);
        let steep = [(1e3, 0.1), (1e4, 2.51), (1e5, 63.0)];
        assert_eq!(fit(&steep).unwrap().growth, Growth::NLogN);
        let steeper = [(1e3, 0.1), (1e4, 8.0), (1e5, 700.0)];
        assert_eq!(fit(&steeper).unwrap().growth, Growth::Quadratic);
    }

    #[test]
    fn exact_quadratic_is_quadratic() {
        let fit = measured(ROWS.map(|n| 0.1 + 1e-9 * n * n));
        assert_eq!(fit.growth, Growth::Quadratic);
        assert!((fit.at(1e7) - 100_000.1).abs() < 1.0, "{fit:?}");
    }

    #[test]
    fn exact_logarithm_over_five_decades_is_logarithmic() {
        let points: Vec<(f64, f64)> = (1..=6).map(|e| 10f64.powi(e)).map(|n| (n, 0.5 + 2.0 * n.ln())).collect();
        let fit = fit(&points).unwrap();
        assert_eq!(fit.growth, Growth::Logarithmic);
        assert!((fit.intercept - 0.5).abs() < 1e-6 && (fit.slope - 2.0).abs() < 1e-6, "{fit:?}");
    }

    #[test]
    fn a_logarithm_over_three_decades_is_reported_constant_because_it_grows_less_than_2x() {
        assert_eq!(measured(ROWS.map(|n| 0.5 + 2.0 * n.ln())).growth, Growth::Constant);
    }

    #[test]
    fn degenerate_inputs_give_none_or_a_constant_without_panicking() {
        assert_eq!(fit(&[]), None);
        assert_eq!(fit(&[(1e3, 1.0)]), None);
        assert_eq!(fit(&[(1e3, 1.0), (1e3, 2.0)]), None);
        assert_eq!(fit(&[(1e3, f64::NAN), (1e4, 2.0)]), None);
        assert_eq!(fit(&[(f64::INFINITY, 1.0), (1e4, 2.0)]), None);
        assert_eq!(fit(&[(1e3, -1.0), (1e4, 2.0)]), None);
        assert_eq!(fit(&[(-1e3, 1.0), (1e4, 2.0)]), None);
        let zeros = fit(&[(1e3, 0.0), (1e6, 0.0)]).unwrap();
        assert_eq!((zeros.growth, zeros.intercept, zeros.slope), (Growth::Constant, 0.0, 0.0));
        // Zero rows and zero times above the noise floor still fit, with finite numbers.
        let from_zero = fit(&[(0.0, 0.0), (10.0, 0.0), (100.0, 5.0), (1000.0, 50.0)]).unwrap();
        assert!(from_zero.intercept.is_finite() && from_zero.slope.is_finite() && from_zero.at(1e4).is_finite());
    }

    #[test]
    fn labels_and_json_names() {
        let all = [Growth::Constant, Growth::Logarithmic, Growth::Linear, Growth::NLogN, Growth::Quadratic];
        assert_eq!(all.map(Growth::label), ["constant", "logarithmic", "linear", "n log n", "quadratic"]);
        assert_eq!(serde_json::to_string(&Growth::NLogN).unwrap(), "\"n-log-n\"");
    }
}
