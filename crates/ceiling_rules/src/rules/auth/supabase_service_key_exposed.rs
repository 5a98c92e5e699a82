//! `supabase-service-key-exposed`: a secret read through an environment variable that the
//! framework ships to the browser (`NEXT_PUBLIC_*`, `VITE_*`).

use ceiling_facts::{FileRole, Project, SecretKind};

use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "supabase-service-key-exposed",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "The Supabase service-role key, or another secret, is read through a public env variable that ships to the browser.",
    docs: Docs {
        what: "A Supabase service-role key written into the source (a JWT whose payload says \
`\"role\": \"service_role\"`), or a read of an environment variable whose prefix makes the framework inline it into \
the browser bundle (`NEXT_PUBLIC_`, `VITE_`, `PUBLIC_`, `EXPO_PUBLIC_`, `REACT_APP_`, \
`NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`) and whose name says it holds a secret: the Supabase \
service-role key (`SERVICE_ROLE`, `SERVICE_KEY`), or a `SECRET`, `PRIVATE_KEY`, `PASSWORD` or \
database URL.",
        why: "Whatever such a variable holds is written into the JavaScript every visitor \
downloads. The service-role key bypasses row-level security: with it anyone can read, change \
and delete every row of every table, and manage users. Other secrets give away what they guard.",
        fix: "Never give a secret a public prefix. Keep the service-role key in a server-only \
variable (`SUPABASE_SERVICE_ROLE_KEY`) used only in route handlers, server actions or edge \
functions; the browser uses the anon key with row-level security. Rotate the exposed key: it is \
in every bundle already served.",
        fires: "```ts\nexport const supabase = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY);\n```",
        passes: "```ts\nexport const supabase = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);\n```",
        guards: &[
            "Public keys by design: the anon key, publishable keys, public keys (`NEXT_PUBLIC_SUPABASE_ANON_KEY`, `VITE_STRIPE_PUBLISHABLE_KEY`, `NEXT_PUBLIC_VAPID_PUBLIC_KEY`), site keys, and a demo account's credentials shown to visitors (`NEXT_PUBLIC_DEMO_PASSWORD`).",
            "Server-only names (`SUPABASE_SERVICE_ROLE_KEY` without a public prefix): the framework does not inline them.",
            "A hard-coded anon key (a JWT with `\"role\": \"anon\"`) is public by design.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Prefixes that make a framework inline a variable into the browser bundle.
const PUBLIC_PREFIXES: &[&str] =
    &["NEXT_PUBLIC_", "VITE_", "PUBLIC_", "EXPO_PUBLIC_", "REACT_APP_", "NUXT_PUBLIC_", "GATSBY_", "VUE_APP_"];

/// Words that name a secret.
const SECRET_WORDS: &[&str] =
    &["SERVICE_ROLE", "SERVICE_KEY", "SECRET", "PRIVATE_KEY", "PASSWORD", "DATABASE_URL", "DB_URL"];

/// Words that name something public by design.
const PUBLIC_WORDS: &[&str] = &["ANON", "PUBLISHABLE", "PUBLIC_KEY", "SITE_KEY", "SITEKEY", "DEMO"];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (_, facts) in project.files() {
        if matches!(facts.role, FileRole::Test | FileRole::Generated | FileRole::Script) {
            continue;
        }
        for read in &facts.env_reads {
            let name = read.name.to_ascii_uppercase();
            let Some(prefix) = PUBLIC_PREFIXES.iter().find(|prefix| name.starts_with(**prefix)) else { continue };
            let rest = &name[prefix.len()..];
            if !SECRET_WORDS.iter().any(|word| rest.contains(word))
                || PUBLIC_WORDS.iter().any(|word| rest.contains(word))
            {
                continue;
            }
            let service_role = rest.contains("SERVICE_ROLE") || rest.contains("SERVICE_KEY");
            let consequence = if service_role {
                "every visitor gets a key that bypasses row-level security on every table"
            } else {
                "every visitor can read it in the JavaScript bundle"
            };
            findings.push(
                RULE.finding(
                    facts.path.clone(),
                    read.span,
                    format!(
                        "`{}` is a secret in a variable the framework ships to the browser: {consequence}",
                        read.name
                    ),
                    "A public prefix tells the bundler to write the variable's value into the client code that \
every visitor downloads."
                        .to_owned(),
                    format!(
                        "Rename it without `{prefix}` and read it only in server code (route handlers, server actions, \
edge functions); the browser uses the anon key with row-level security. Rotate the key: it is in every bundle \
already served."
                    ),
                ),
            );
        }
        // A service-role key written into the source is in the repository, and in the bundle of
        // any client code that imports it.
        for secret in &facts.secrets {
            let SecretKind::SupabaseServiceRole = secret.kind;
            findings.push(Finding {
                redact: vec![secret.span],
                object: None,
                evidence: Vec::new(),
                ..RULE.finding(
                    facts.path.clone(),
                    secret.span,
                    "a Supabase service-role key is written into the source: whoever reads the repository, or a \
bundle that includes this file, can bypass row-level security on every table"
                        .to_owned(),
                    "The service-role key is a JWT signed for `role: service_role`, which Postgres lets past every \
row-level security policy. In the source it is in every clone, fork and CI log of the repository, and in the \
browser bundle if client code imports the file."
                        .to_owned(),
                    "Rotate the key in the Supabase dashboard (Settings, API: roll the JWT secret), then read it from a \
server-only variable (`process.env.SUPABASE_SERVICE_ROLE_KEY`) in server code only."
                        .to_owned(),
                )
            });
        }
    }
}
