//! `secret-fallback`: a secret read from the environment with a hard-coded string as fallback.

use ceiling_facts::{FileRole, Project, Span};

use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "secret-fallback",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A secret falls back to a hard-coded string when its environment variable is missing.",
    docs: Docs {
        what: "A secret read from the environment (`process.env`, `import.meta.env`, `Bun.env`, \
`Deno.env.get`) with a non-empty string as fallback: `process.env.JWT_SECRET || 'dev-secret'`, \
`?? 'changeme'`, `const { SESSION_SECRET = 'keyboard cat' } = process.env`, \
`process.env.X ? process.env.X : 'x'`, `process.env.X ??= 'x'`; in Python `os.environ.get('SECRET_KEY', 'dev')`, \
`os.getenv('X') or 'x'`, python-decouple's and django-environ's `default=`, and a pydantic `BaseSettings` \
field's default (`secret_key: str = 'changeme'`). A secret is a variable whose name \
says so (`SECRET`, `PRIVATE_KEY`, `SIGNING_KEY`, `ENCRYPTION_KEY`, `JWT`, `SESSION`, `HMAC`, \
`API_KEY`, `SERVICE_ROLE`, `PASSWORD`, `TOKEN`), unless it is public (`NEXT_PUBLIC_`, `VITE_`, \
`PUBLIC_`, `EXPO_PUBLIC_`, `REACT_APP_`...) or a setting about the secret rather than the secret \
(`_URL`, `_ID`, `_EXPIRES_IN`, `_TTL`, `_ALGORITHM`, `_ISSUER`, `_NAME`...).",
        why: "The fallback exists for local development, but nothing keeps it there: when the \
variable is missing in production (a new environment, a renamed variable, a preview deployment), \
the app starts normally and signs sessions and tokens with a string anyone can read in the \
repository. Anyone can then forge a session for any user. The failure is silent: everything \
works, only with a public key.",
        fix: "Fail fast at startup instead of falling back: \
`const secret = process.env.JWT_SECRET; if (!secret) throw new Error('JWT_SECRET is not set');`, \
or validate the environment once with a schema (zod, envalid, t3-env) and import the result. \
For local development, put the value in `.env.local` (not committed), not in the code.",
        fires: "```ts\nimport jwt from 'jsonwebtoken';\n\nconst secret = process.env.JWT_SECRET || 'dev-secret';\n\n\
export function sign(userId: string) {\n  return jwt.sign({ sub: userId }, secret);\n}\n```",
        passes: "```ts\nimport jwt from 'jsonwebtoken';\n\nconst secret = process.env.JWT_SECRET;\n\
if (!secret) throw new Error('JWT_SECRET is not set');\n\nexport function sign(userId: string) {\n  \
return jwt.sign({ sub: userId }, secret);\n}\n```",
        guards: &[
            "Tests, scripts, seeds and migrations, and the configuration of developer tools (`drizzle.config.ts`, `playwright.config.ts`, `vitest.config.ts`): they run on a developer's machine or in CI, where a default secret is the point.",
            "A fallback that is not a non-empty string: `''`, a number, `undefined`, a call (`|| generateKey()`), a template with expressions, another variable (`|| config.secret`); in Python also a switch (`'0'`, `'false'`).",
            "A fallback in a branch that only runs outside production: `process.env.NODE_ENV !== 'production' ? ... : ...`, `if (isDev) {...}`, `import.meta.env.DEV && ...`, `if DEBUG:`. An early return (`if (NODE_ENV === 'production') return;` before the fallback) is not recognised.",
            "A variable the same file checks with a failing `if` (`if (!process.env.JWT_SECRET) throw ...`, or `process.exit(1)`, even only in production; `if not DEBUG and SECRET_KEY == 'dev': raise ImproperlyConfigured(...)`): the app stops before the fallback matters. A check in another file (a zod schema in `env.ts`) is not seen, and the rule still fires.",
            "Names that are not secrets (`PORT`, `DATABASE_URL`), public ones (`NEXT_PUBLIC_*`, `VITE_*`) and settings about a secret (`JWT_EXPIRES_IN`, `SESSION_COOKIE_NAME`, `GOOGLE_CLIENT_ID`).",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Words that make a variable a secret.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "PRIVATE_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "JWT",
    "SESSION",
    "HMAC",
    "API_KEY",
    "APIKEY",
    "SERVICE_ROLE",
    "PASSWORD",
    "PASSWD",
    "TOKEN",
];

/// Prefixes of variables the framework sends to the browser: public by design.
const PUBLIC_PREFIXES: &[&str] =
    &["NEXT_PUBLIC_", "VITE_", "PUBLIC_", "EXPO_PUBLIC_", "REACT_APP_", "NUXT_PUBLIC_", "GATSBY_", "VUE_APP_"];

/// Suffixes of settings about a secret rather than the secret.
const SETTING_SUFFIXES: &[&str] = &[
    "_URL",
    "_URI",
    "_HOST",
    "_PORT",
    "_REGION",
    "_ENV",
    "_NAME",
    "_ID",
    "_TTL",
    "_EXPIRES_IN",
    "_EXPIRY",
    "_EXPIRES",
    "_EXPIRATION",
    "_ALGORITHM",
    "_ALG",
    "_ISSUER",
    "_AUDIENCE",
    "_MAX_AGE",
    "_TIMEOUT",
    "_DURATION",
    "_LIFETIME",
    "_TIME",
    "_THRESHOLD",
    "_INTERVAL",
    "_DELAY",
    "_DOMAIN",
    "_PATH",
    "_FILE",
    "_PREFIX",
    "_HEADER",
    "_LENGTH",
    "_SAME_SITE",
    "_SAMESITE",
    "_SECURE",
    "_STORE",
    "_DRIVER",
    "_TYPE",
    "_MODE",
    "_ENABLED",
    "_VERSION",
    "_ENDPOINT",
    "_STRATEGY",
    "_PROVIDER",
    "_ROUNDS",
    "_COUNT",
    "_LIMIT",
    "_SIZE",
    "_MIN",
    "_MAX",
    "_RATE",
];

/// Words of names that are not secrets wherever they appear: settings (`JWT_EXPIRATION_MINUTES`,
/// `SESSION_TTL_SECONDS`), public keys, and counts of LLM tokens (`MAX_TOKENS`).
const NOT_SECRET_WORDS: &[&str] = &[
    "EXPIR",
    "_TTL",
    "MAX_AGE",
    "TIMEOUT",
    "LIFETIME",
    "DURATION",
    "PUBLIC_KEY",
    "PUBLISHABLE",
    "TOKENS",
    // Request limits about tokens: `TOKEN_THROTTLE_RATE`.
    "THROTTLE",
    // Switches about a secret, not the secret: `PASSWORD_HIBP_CHECK_DISABLED`.
    "DISABLED",
    "ENABLED",
    "DISABLE_",
    "ENABLE_",
    "_CHECK",
    "_FLAG",
    "_MODE",
    "_REQUIRED",
    "_POLICY",
];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (_, file) in project.files() {
        if file.role != FileRole::App || tool_config(&file.path) {
            continue;
        }
        // `process.env.A || process.env.B || 'x'` records both reads at one span, in order.
        for group in file.env_fallbacks.chunk_by(|a, b| a.span == b.span) {
            let secrets: Vec<(&str, Kind)> = group
                .iter()
                .filter(|fallback| fallback.literal)
                .filter_map(|fallback| secret(&fallback.name).map(|kind| (fallback.name.as_str(), kind)))
                .collect();
            if !secrets.is_empty() {
                findings.push(finding(&file.path, group[0].span, group[0].fallback, &secrets));
            }
        }
    }
}

/// The configuration of a developer tool (`drizzle.config.ts`, `playwright.config.ts`): it runs
/// on a developer's machine or in CI, and nothing of it ships with the app.
fn tool_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once(".config.").is_some_and(|(tool, _)| {
        matches!(tool, "drizzle" | "prisma" | "vitest" | "jest" | "playwright" | "cypress" | "knip" | "eslint")
    })
}

/// The finding for the secrets (at least one) that fall back to one string at `span`.
fn finding(path: &str, span: Span, fallback: Span, secrets: &[(&str, Kind)]) -> Finding {
    let (first, kind) = secrets[0];
    let (harm, why) = match kind {
        Kind::Signing => (
            "tokens and sessions are signed with a secret anyone can read in the source",
            "Anyone who reads the repository (or the bundle) can forge a token or session for any user.",
        ),
        Kind::Encryption => (
            "data is encrypted with a key anyone can read in the source",
            "Anyone who reads the repository can decrypt what the app stored with it.",
        ),
        Kind::Password => (
            "the app authenticates with a password anyone can read in the source",
            "The hard-coded password is either a real credential committed to the repository or a default that any attacker tries first.",
        ),
        Kind::Credential => (
            "the app runs with a secret anyone can read in the source",
            "The hard-coded value is either a real key committed to the repository, or a placeholder the app silently runs with, failing later and far from the cause.",
        ),
    };
    let names: Vec<String> = secrets.iter().map(|(name, _)| format!("`{name}`")).collect();
    let (subject, missing) = match names.as_slice() {
        [one] => (format!("{one} falls back"), "the variable is missing"),
        [init @ .., last] => (format!("{} and {last} fall back", init.join(", ")), "the variables are missing"),
        [] => unreachable!("a finding names at least one secret"),
    };
    Finding {
        rule: RULE.id,
        family: RULE.family,
        severity: RULE.severity,
        file: path.to_owned(),
        span,
        message: format!("{subject} to a hard-coded string: when {missing} in production, {harm}"),
        chain: Vec::new(),
        why: format!(
            "Nothing keeps the fallback in development: a deployment without `{first}` starts normally. {why}"
        ),
        fix: format!(
            "Fail fast at startup instead of falling back: `const value = process.env.{first}; if (!value) throw new Error('{first} is not set');` (in Python, `os.environ['{first}']`, or a settings field with no default), or validate the environment once with a schema (zod, envalid, t3-env, pydantic-settings). Keep the development value in an uncommitted `.env.local`."
        ),
        index: None,
        redact: vec![fallback],
        object: None,
        evidence: Vec::new(),
    }
}

/// What a secret protects, for the message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Signs tokens, sessions, cookies.
    Signing,
    Encryption,
    Password,
    /// API keys, tokens, service-role keys, private keys.
    Credential,
}

/// The kind of secret a variable holds, by its name; `None` when it is not a secret.
fn secret(name: &str) -> Option<Kind> {
    let upper = name.to_ascii_uppercase();
    if PUBLIC_PREFIXES.iter().any(|prefix| upper.starts_with(prefix))
        || SETTING_SUFFIXES.iter().any(|suffix| upper.ends_with(suffix))
        || NOT_SECRET_WORDS.iter().any(|word| upper.contains(word))
    {
        return None;
    }
    if !SECRET_WORDS.iter().any(|word| upper.contains(word)) {
        return None;
    }
    let has = |part: &str| upper.contains(part);
    // The app's own secret (`SECRET`, `APP_SECRET`, `SECRET_KEY_BASE`) signs its sessions.
    let app_secret = matches!(upper.as_str(), "SECRET" | "APP_SECRET" | "SECRET_KEY" | "SECRET_KEY_BASE");
    Some(if has("ENCRYPT") || has("CIPHER") {
        Kind::Encryption
    } else if app_secret
        || ["JWT", "SESSION", "COOKIE", "SIGN", "HMAC", "AUTH_SECRET", "TOKEN_SECRET"].iter().any(|word| has(word))
    {
        Kind::Signing
    } else if has("PASSWORD") || has("PASSWD") {
        Kind::Password
    } else {
        Kind::Credential
    })
}

#[cfg(test)]
mod tests {
    use super::{Kind, secret};

    #[test]
    fn secret_names() {
        for (name, kind) in [
            ("JWT_SECRET", Kind::Signing),
            ("NEXTAUTH_SECRET", Kind::Signing),
            ("AUTH_SECRET", Kind::Signing),
            ("SESSION_SECRET", Kind::Signing),
            ("COOKIE_SECRET", Kind::Signing),
            ("SECRET_KEY", Kind::Signing),
            ("jwtSecret", Kind::Signing),
            ("ENCRYPTION_KEY", Kind::Encryption),
            ("DB_PASSWORD", Kind::Password),
            ("STRIPE_SECRET_KEY", Kind::Credential),
            ("REFRESH_TOKEN_SECRET", Kind::Signing),
            ("GOOGLE_CLIENT_SECRET", Kind::Credential),
            ("OPENAI_API_KEY", Kind::Credential),
            ("SUPABASE_SERVICE_ROLE_KEY", Kind::Credential),
            ("GITHUB_TOKEN", Kind::Credential),
            ("PRIVATE_KEY", Kind::Credential),
        ] {
            assert_eq!(secret(name), Some(kind), "{name}");
        }
    }

    #[test]
    fn names_that_are_not_secrets() {
        for name in [
            "PORT",
            "DATABASE_URL",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "NEXT_PUBLIC_API_KEY",
            "VITE_API_KEY",
            "PUBLIC_TOKEN",
            "EXPO_PUBLIC_API_KEY",
            "JWT_EXPIRES_IN",
            "JWT_EXPIRATION_MINUTES",
            "JWT_ALGORITHM",
            "JWT_ISSUER",
            "SESSION_COOKIE_NAME",
            "SESSION_MAX_AGE",
            "GOOGLE_CLIENT_ID",
            "TOKEN_URL",
            "SECRETS_MANAGER_REGION",
            "ACCESS_TOKEN_TTL",
            "NODE_ENV",
            "JWT_PUBLIC_KEY",
            "OPENAI_MAX_TOKENS",
            "PASSWORD_SALT_ROUNDS",
            "SESSION_STRATEGY",
            "PAPERLESS_TOKEN_THROTTLE_RATE",
            "RESET_PASSWORD_LOCK_TIME",
            "TOKEN_UPDATE_LAST_LOGIN_THRESHOLD",
        ] {
            assert_eq!(secret(name), None, "{name}");
        }
    }
}
