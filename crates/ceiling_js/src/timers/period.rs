//! Periods: constant milliseconds and the shortest gap of a cron expression.

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::Semantic;
use oxc_syntax::operator::{BinaryOperator, LogicalOperator, UnaryOperator};

/// How far `const` bindings are followed.
const MAX_DEPTH: u32 = 6;

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

/// What an interval option says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Period {
    /// `false`, `null`, `undefined`: no polling.
    Off,
    /// A constant number of milliseconds (the fastest, when a condition picks between several).
    Every(u64),
    /// Computed at run time.
    Unknown,
}

/// The period an interval argument or option gives: `5_000`, `5 * 1000`, `POLL_MS`,
/// `active ? 2000 : false`.
pub(super) fn period<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>) -> Period {
    period_at(semantic, expr, 0)
}

fn period_at<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>, depth: u32) -> Period {
    if depth > MAX_DEPTH {
        return Period::Unknown;
    }
    let expr = resolve(semantic, expr, depth);
    match expr {
        Expression::BooleanLiteral(literal) if !literal.value => return Period::Off,
        Expression::NullLiteral(_) => return Period::Off,
        expr if expr.is_specific_id("undefined") => return Period::Off,
        Expression::ConditionalExpression(conditional) => {
            return fastest(
                period_at(semantic, &conditional.consequent, depth + 1),
                period_at(semantic, &conditional.alternate, depth + 1),
            );
        }
        Expression::LogicalExpression(logical) => {
            let right = period_at(semantic, &logical.right, depth + 1);
            return match logical.operator {
                // `enabled && 5000`: polls at the right side's period when it polls.
                LogicalOperator::And => fastest(Period::Off, right),
                // `Number(env.POLL_MS) || 5000`: a default only; the variable decides.
                LogicalOperator::Or | LogicalOperator::Coalesce => {
                    match period_at(semantic, &logical.left, depth + 1) {
                        Period::Off | Period::Every(0) => right,
                        known @ Period::Every(_) => known,
                        Period::Unknown => Period::Unknown,
                    }
                }
            };
        }
        _ => {}
    }
    match number(semantic, expr, depth) {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Period::Every(ms.round() as u64),
        _ => Period::Unknown,
    }
}

/// The faster of two branches: a timer that sometimes polls every 2 s polls every 2 s.
fn fastest(a: Period, b: Period) -> Period {
    match (a, b) {
        (Period::Every(a), Period::Every(b)) => Period::Every(a.min(b)),
        (Period::Every(ms), _) | (_, Period::Every(ms)) => Period::Every(ms),
        (Period::Off, Period::Off) => Period::Off,
        _ => Period::Unknown,
    }
}

/// The value of a constant numeric expression.
fn number<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>, depth: u32) -> Option<f64> {
    if depth > MAX_DEPTH {
        return None;
    }
    match resolve(semantic, expr, depth) {
        Expression::NumericLiteral(literal) => Some(literal.value),
        Expression::UnaryExpression(unary) => {
            let value = number(semantic, &unary.argument, depth + 1)?;
            match unary.operator {
                UnaryOperator::UnaryPlus => Some(value),
                UnaryOperator::UnaryNegation => Some(-value),
                _ => None,
            }
        }
        Expression::BinaryExpression(binary) => {
            let left = number(semantic, &binary.left, depth + 1)?;
            let right = number(semantic, &binary.right, depth + 1)?;
            match binary.operator {
                BinaryOperator::Addition => Some(left + right),
                BinaryOperator::Subtraction => Some(left - right),
                BinaryOperator::Multiplication => Some(left * right),
                BinaryOperator::Division if right != 0.0 => Some(left / right),
                BinaryOperator::Exponential => Some(left.powf(right)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What an expression stands for: a `const` name's initializer, a property of a `const` object
/// literal (`CONFIG.POLL_MS`), or the expression itself.
pub(super) fn resolve<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>, depth: u32) -> &'a Expression<'a> {
    let expr = expr.get_inner_expression();
    if depth > MAX_DEPTH {
        return expr;
    }
    match expr {
        Expression::Identifier(ident) => match constant(semantic, ident) {
            Some(init) => resolve(semantic, init, depth + 1),
            None => expr,
        },
        Expression::StaticMemberExpression(member) => {
            let Expression::ObjectExpression(object) = resolve(semantic, &member.object, depth + 1) else {
                return expr;
            };
            let found = object.properties.iter().find_map(|property| match property {
                ObjectPropertyKind::ObjectProperty(property)
                    if !property.computed
                        && property.key.static_name().is_some_and(|key| key == member.property.name) =>
                {
                    Some(&property.value)
                }
                _ => None,
            });
            match found {
                Some(value) => resolve(semantic, value, depth + 1),
                None => expr,
            }
        }
        _ => expr,
    }
}

/// The initializer of a `const name = ...` (a name never reassigned).
fn constant<'a>(semantic: &Semantic<'a>, ident: &IdentifierReference<'a>) -> Option<&'a Expression<'a>> {
    let scoping = semantic.scoping();
    let symbol = scoping.get_reference(ident.reference_id.get()?).symbol_id()?;
    if scoping.symbol_is_mutated(symbol) {
        return None;
    }
    let declaration = semantic.symbol_declaration(symbol);
    let AstKind::VariableDeclarator(declarator) = declaration.kind() else { return None };
    let BindingPattern::BindingIdentifier(_) = declarator.id else { return None };
    declarator.init.as_ref()
}

/// The text of a string literal, a template without substitutions, or a `const` bound to one.
pub(super) fn string<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>) -> Option<&'a str> {
    match resolve(semantic, expr, 0) {
        Expression::StringLiteral(literal) => Some(literal.value.as_str()),
        Expression::TemplateLiteral(template) if template.expressions.is_empty() => {
            template.quasis.first()?.value.cooked.map(|cooked| cooked.as_str())
        }
        _ => None,
    }
}

/// The shortest gap of the cron expression an argument holds.
pub(super) fn cron_of<'a>(semantic: &Semantic<'a>, expr: &'a Expression<'a>) -> Option<u64> {
    cron(string(semantic, expr)?)
}

/// The shortest gap between two runs of a cron expression, in milliseconds: `* * * * *` is a
/// minute, `*/5 * * * * *` (with seconds) 5 s, `0 * * * *` an hour, `30 9 * * *` a day. `None`
/// when unsure: day-of-week and day-of-month schedules, names, `L`, `#`.
pub(super) fn cron(expression: &str) -> Option<u64> {
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

/// NestJS `CronExpression.EVERY_5_MINUTES` and friends.
pub(super) fn nest_expression(name: &str) -> Option<u64> {
    if name.starts_with("MONDAY_TO_FRIDAY") {
        return Some(DAY);
    }
    let rest = name.strip_prefix("EVERY_")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (count, unit) =
        if digits > 0 { (rest[..digits].parse::<u64>().ok()?, rest[digits..].strip_prefix('_')?) } else { (1, rest) };
    // `EVERY_1ST_DAY_OF_MONTH_AT_NOON`, `EVERY_QUARTER`, `EVERY_YEAR`: long and irregular.
    let unit = if unit.starts_with("SECOND") {
        SECOND
    } else if unit.starts_with("MINUTE") {
        MINUTE
    } else if unit.starts_with("HOUR") {
        HOUR
    } else if unit.starts_with("DAY") || unit.starts_with("WEEKDAY") || unit.starts_with("WEEKEND") {
        DAY
    } else if unit.starts_with("WEEK") {
        WEEK
    } else {
        return None;
    };
    Some(count * unit)
}
