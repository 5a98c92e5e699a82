//! Which growth class a query's time follows as its table grows, from a handful of (rows, ms) points.
//!
//! Each model `t = a + b·f(n)` is fitted by least squares weighted by 1/t², so it is the relative error that
//! counts: the 1k point weighs as much as the 1M point, where plain least squares would only fit the largest
//! size and call anything that ends steep "quadratic". The simplest model wins unless a more complex one is
//! clearly better, because four noisy timings can be bent to fit almost anything.

use serde::Serialize;

/// Below this the timings are a few buffer hits, and their wobble is noise, not growth.
const NOISE_FLOOR_MS: f64 = 0.05;
/// A time that moved less than this factor ...
const FLAT_RATIO: f64 = 2.0;
/// ... while the table grew at least this factor is constant: four noisy points cannot tell constant from log.
const FLAT_SPAN: f64 = 100.0;
/// A more complex model must cut the weighted squared error this many times to replace a simpler one.
const BETTER_BY: f64 = 4.0;
/// Weights are 1/t², and a 0 ms timing (below the clock's resolution) would get an infinite one.
const MIN_MS: f64 = 1e-3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Growth {
    Constant,
    Logarithmic,
    Linear,
    NLogN,
    Quadratic,
}

impl Growth {
    /// Simplest first: the order the fit walks them in.
    const ALL: [Growth; 5] = [Growth::Constant, Growth::Logarithmic, Growth::Linear, Growth::NLogN, Growth::Quadratic];

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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
    let mut best = fit_model(points, Growth::Constant);
    for growth in &Growth::ALL[1..] {
        let candidate = fit_model(points, *growth);
        if candidate.1 * BETTER_BY < best.1 {
            best = candidate;
        }
    }
    Some(best.0)
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
    fn indexed_hot_key_is_n_log_n() {
        assert_eq!(measured([0.066, 0.217, 1.968, 24.60]).growth, Growth::NLogN);
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
        assert_eq!(Growth::ALL.map(Growth::label), ["constant", "logarithmic", "linear", "n log n", "quadratic"]);
        assert_eq!(serde_json::to_string(&Growth::NLogN).unwrap(), "\"n-log-n\"");
    }
}
