//! `auth-no-rate-limit`: a sign-in, sign-up, password-reset or one-time-code route that no rate
//! limiter covers.

use ceiling_facts::{FileRole, Framework, Project, RouteRow, in_package};

use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "auth-no-rate-limit",
    family: Family::Abuse,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A login, sign-up, password-reset or OTP route has no rate limit: open to brute force and abuse.",
    docs: Docs {
        what: "A route that takes credentials or starts an account flow (sign-in, sign-up, \
password reset or change, one-time codes, magic links and codes, 2FA verification, NextAuth's \
`[...nextauth]` handler, a check of a password or PIN that guards a link or a page: \
`verifyPassword`, `validateSurveyPinAction`), found by its path or its handler's name, that no \
rate limiter covers: \
not as its own middleware, not mounted in front of its router or app, not in a Next.js \
`middleware.ts` whose matcher takes it, and not called by its handler.",
        why: "Without a limit one client can try thousands of passwords a minute against one \
account, enumerate which emails have accounts, create accounts in bulk, or make the app send \
thousands of reset emails and SMS codes, which costs money and gets the sending domain \
blocked.",
        fix: "Put a limiter in front of the route, keyed by client IP and by account: \
`express-rate-limit` as route middleware (`router.post('/login', rateLimit({ windowMs: 15 * 60 * \
1000, limit: 5 }), handler)`), `@fastify/rate-limit` with a per-route `config.rateLimit`, \
`hono-rate-limiter`, `@nestjs/throttler`'s `@Throttle()`, or `@upstash/ratelimit` called at the \
top of a Next.js route handler or server action, or in `middleware.ts` with a matcher that \
takes the route.",
        fires: "```ts\nauthRouter.post('/reset-password', async (req, res) => {\n  await sendResetEmail(req.body.email);\n  res.status(202).end();\n});\n```",
        passes: "```ts\nauthRouter.post('/login', rateLimit({ windowMs: 15 * 60 * 1000, limit: 5 }), login);\n```",
        guards: &[
            "A hand-written limiter counts: a function of the app named like one (`applyRateLimit`, `checkRateLimit`, `withRateLimit`, `throttle`) called by the handler or wrapping it.",
            "Any limiter covers the route: route middleware, an app-wide or router-wide `use`, a Next.js middleware whose matcher takes the path, or a limiter its handler calls (two calls deep).",
            "Reads (`GET`): following a verification link or rendering a login page is not a credential check.",
            "A check of a secret is named by a verb and the secret together (`verify-password`, `checkLinkPassword`, `validatePin`): a password alone (`updatePasswordPolicy`), or its strength (`validatePasswordStrength`), is not a guess against a stored secret.",
            "Second-factor setup in the signed-in user's own profile or settings (`/api/profile/totp`, `/settings/2fa`): the code is checked against the secret the app just handed out.",
            "Completing a password reset with the link's token in the path (`/reset-password/:uid/:token`): it sends nothing, and a signed token is too long to guess.",
            "Auth handled by a hosted provider that limits its own endpoints: the route's handler comes from Better Auth (its limiter is on by default) or the flow runs in the browser against Supabase Auth, Clerk, Auth0, Firebase or Cognito (no route of the app is involved).",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Path segments and handler names of credential and account flows, lower case, with `-`
/// and `_` removed; matched as whole words.
const SENSITIVE: &[(&str, &str)] = &[
    ("login", "password guessing"),
    ("signin", "password guessing"),
    ("logon", "password guessing"),
    ("authenticate", "password guessing"),
    ("credentials", "password guessing"),
    ("...nextauth", "password guessing"),
    ("signup", "mass account creation"),
    ("register", "mass account creation"),
    ("resetpassword", "reset-email flooding and token guessing"),
    ("forgotpassword", "reset-email flooding and token guessing"),
    ("passwordreset", "reset-email flooding and token guessing"),
    ("changepassword", "password guessing"),
    ("updatepassword", "password guessing"),
    ("otp", "code guessing and SMS or email flooding"),
    ("verifyotp", "code guessing"),
    ("sendotp", "SMS or email flooding"),
    ("magiclink", "email flooding"),
    ("2fa", "code guessing"),
    ("mfa", "code guessing"),
    ("totp", "code guessing"),
    ("verifycode", "code guessing"),
    // Handler names of the same flows.
    ("loginuser", "password guessing"),
    ("signinuser", "password guessing"),
    ("signinwithpassword", "password guessing"),
    ("signinwithemail", "password guessing"),
    ("registeruser", "mass account creation"),
    ("signupuser", "mass account creation"),
    ("createaccount", "mass account creation"),
    ("requestpasswordreset", "reset-email flooding and token guessing"),
    ("sendresetemail", "reset-email flooding"),
    ("sendmagiclink", "email flooding"),
    ("verifyemailcode", "code guessing"),
];

/// Handlers from these packages limit their own endpoints.
const SELF_LIMITING: &[&str] = &["better-auth"];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for row in project.route_table() {
        if row.limiter.is_some() || row.method == "GET" || row.method == "HEAD" || row.method == "OPTIONS" {
            continue;
        }
        if project.file(row.file_id).role != FileRole::App {
            continue;
        }
        let Some(abuse) = sensitive(row) else { continue };
        if self_limiting(project, row) {
            continue;
        }
        let what = match (row.path.is_empty(), &row.handler_name) {
            (true, Some(name)) => format!("server action `{name}`"),
            _ => format!("{} {}", row.method, row.path),
        };
        findings.push(RULE.finding(
            row.file.clone(),
            row.span,
            format!("{what} has no rate limit: open to {abuse}"),
            format!(
                "Nothing limits how often one client calls it: a script can send thousands of requests a minute \
({abuse})."
            ),
            fix(row.framework),
        ));
    }
}

/// The abuse a route is open to, when its path or handler name says it is a credential or
/// account flow.
pub(crate) fn sensitive(row: &RouteRow) -> Option<&'static str> {
    let words = row
        .path
        .split(['/', '.', '?'])
        .map(str::to_owned)
        .chain(row.handler_name.iter().cloned())
        .map(|word| word.to_ascii_lowercase().replace(['-', '_'], ""));
    let mut normalized: Vec<String> = words.collect();
    // `/password/reset`, `/reset/password`: a flow named over two segments.
    let segments: Vec<String> =
        row.path.split('/').map(|segment| segment.to_ascii_lowercase().replace(['-', '_'], "")).collect();
    for pair in segments.windows(2) {
        normalized.push(format!("{}{}", pair[0], pair[1]));
        normalized.push(format!("{}{}", pair[1], pair[0]));
    }
    let nextauth = row.path.contains("[...nextauth]");
    if nextauth {
        return Some("password guessing");
    }
    // `/reset-password/<uidb64>/<token>`: the reset link's signed token completes the flow; it
    // sends nothing and the token is too long to guess.
    let completes_reset = row.path.split('/').any(|segment| {
        let parameter = segment.trim_matches(['<', '>', '{', '}', '[', ']', ':']);
        segment != parameter && parameter.rsplit(':').next().is_some_and(|name| name.eq_ignore_ascii_case("token"))
    });
    // `/api/profile/totp`: a signed-in user setting up or removing their own second factor, the
    // code checked against the secret the app just gave them.
    let own_settings = row.path.split('/').any(|segment| matches!(segment, "profile" | "settings" | "me"));
    let normalized: Vec<String> = normalized
        .into_iter()
        .filter(|word| !(completes_reset && word.contains("password")))
        .filter(|word| !(own_settings && matches!(word.as_str(), "otp" | "2fa" | "mfa" | "totp")))
        .collect();
    // Whole words only: `registerWebhook` and `loginHistory` are other things.
    let named =
        normalized.iter().find_map(|word| SENSITIVE.iter().find(|(name, _)| word == name).map(|(_, abuse)| *abuse));
    // The guards above hold for checks of secrets too.
    let checks_secret = || {
        if completes_reset || own_settings {
            return None;
        }
        row.path.split('/').chain(row.handler_name.as_deref()).find_map(checked_secret)
    };
    // Magic-link and magic-code flows, whatever their second word (`/magic-generate`,
    // `/magic_sign_in`): each request emails a code or checks one.
    let magic =
        || row.path.split('/').any(|segment| segment.to_ascii_lowercase().split(['-', '_']).next() == Some("magic"));
    named.or_else(checks_secret).or_else(|| magic().then_some("email flooding and code guessing"))
}

/// Verbs of checking what a client submits, and the secrets whose check a client can repeat
/// until it guesses one.
const CHECKS: &[&str] = &["verify", "validate", "check", "confirm", "unlock"];
const SECRETS: &[(&str, &str)] = &[
    ("password", "password guessing"),
    ("passcode", "code guessing"),
    ("passphrase", "password guessing"),
    ("pin", "PIN guessing"),
    ("otp", "code guessing"),
    ("totp", "code guessing"),
];
/// Words after the secret that make it about the secret's form, not a guess of its value.
const NOT_A_GUESS: &[&str] = &["strength", "policy", "format", "rules", "requirements"];

/// The abuse a name is open to when it checks a secret: a checking verb, then a secret, as
/// words of a path segment (`verify-link-password`) or a handler's name (`validateSurveyPinAction`).
fn checked_secret(name: &str) -> Option<&'static str> {
    let words = ceiling_facts::words(name);
    let verb = words.iter().position(|word| CHECKS.contains(&word.as_str()))?;
    let (secret, abuse) = words[verb + 1..].iter().enumerate().find_map(|(i, word)| {
        SECRETS.iter().find(|(secret, _)| word == secret).map(|(_, abuse)| (verb + 1 + i, *abuse))
    })?;
    let about_form = words[secret + 1..].iter().any(|word| NOT_A_GUESS.contains(&word.as_str()));
    (!about_form).then_some(abuse)
}

/// A route whose handler comes from a self-limiting auth library (`export const { GET, POST } =
/// toNextJsHandler(auth)` of Better Auth).
fn self_limiting(project: &Project, row: &RouteRow) -> bool {
    let facts = project.file(row.file_id);
    let Some(route) = facts.routes.iter().find(|route| route.span == row.span) else { return false };
    project
        .package_origin(row.file_id, &route.handler, 0)
        .is_some_and(|(module, _)| SELF_LIMITING.iter().any(|package| in_package(&module, package)))
}

fn fix(framework: Framework) -> String {
    match framework {
        Framework::Express => "Add a limiter as the route's middleware: `router.post(path, rateLimit({ windowMs: 15 * 60 * 1000, limit: 5 }), handler)` with `express-rate-limit` (a Redis store when there are several instances).".to_owned(),
        Framework::Fastify => "Register `@fastify/rate-limit` and set `config: { rateLimit: { max: 5, timeWindow: '15 minutes' } }` on the route.".to_owned(),
        Framework::Hono => "Add `rateLimiter({ windowMs: 15 * 60 * 1000, limit: 5, keyGenerator })` from `hono-rate-limiter` in front of the route.".to_owned(),
        Framework::Koa => "Add `koa-ratelimit` (or `rate-limiter-flexible`) middleware in front of the route.".to_owned(),
        Framework::Django => "Set `throttle_classes = [LoginThrottle]` on the view with a DRF throttle (`class LoginThrottle(AnonRateThrottle): rate = '5/minute'`), or decorate it with django-ratelimit (`@method_decorator(ratelimit(key='ip', rate='5/m', block=True), name='post')`); for Django's own login, django-axes locks out repeated failures.".to_owned(),
        Framework::FastApi => "Add a limiter to the route: slowapi's `@limiter.limit('5/minute')` (with `request: Request` in the signature) or fastapi-limiter's `dependencies=[Depends(RateLimiter(times=5, seconds=60))]`.".to_owned(),
        Framework::Flask => "Decorate the view with Flask-Limiter's `@limiter.limit('5 per minute')`.".to_owned(),
        Framework::NestJs => "Register `ThrottlerModule` and put `@UseGuards(ThrottlerGuard)` with `@Throttle({ default: { limit: 5, ttl: 900_000 } })` on the handler.".to_owned(),
        _ => "Call a limiter first in the handler: `const { success } = await ratelimit.limit(ip)` with `@upstash/ratelimit` (`Ratelimit.slidingWindow(5, '15 m')`), returning 429 when it fails; or limit the path in `middleware.ts` with a matcher that takes it.".to_owned(),
    }
}
