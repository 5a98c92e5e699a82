//! Periods: constant milliseconds and the shortest gap of a cron expression.

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::Semantic;
use oxc_syntax::operator::{BinaryOperator, LogicalOperator, UnaryOperator};

/// How far `const` bindings are followed.
const MAX_DEPTH: u32 = 6;

use ceiling_facts::schedule::{DAY, HOUR, MINUTE, SECOND, WEEK};

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
    ceiling_facts::schedule::cron(string(semantic, expr)?)
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
