//! Environment fallbacks read from small sources.

use crate::extract;

/// `(line, name, literal)` of each fallback.
fn fallbacks(path: &str, source: &str) -> Vec<(u32, String, bool)> {
    extract(path, source).unwrap().env_fallbacks.into_iter().map(|f| (f.span.line, f.name, f.literal)).collect()
}

fn one(line: u32, name: &str, literal: bool) -> Vec<(u32, String, bool)> {
    vec![(line, name.to_owned(), literal)]
}

#[test]
fn process_env_or_a_string() {
    let source = "import jwt from 'jsonwebtoken';\nconst secret = process.env.JWT_SECRET || 'dev-secret';\n";
    assert_eq!(fallbacks("lib/auth.ts", source), one(2, "JWT_SECRET", true));
    let facts = extract("lib/auth.ts", source).unwrap();
    let span = facts.env_fallbacks[0].span;
    assert_eq!(&source[span.start as usize..span.end as usize], "process.env.JWT_SECRET || 'dev-secret'");
    assert_eq!(span.col, 16);
}

#[test]
fn each_way_of_reading_the_environment() {
    let cases = [
        ("a.ts", "export const s = process.env.SESSION_SECRET ?? 'x';", "SESSION_SECRET"),
        ("a.ts", "export const s = process.env['API_KEY'] || 'x';", "API_KEY"),
        ("a.ts", "export const s = process.env[`API_KEY`] || 'x';", "API_KEY"),
        ("a.ts", "export const s = (process.env.API_KEY as string) || 'x';", "API_KEY"),
        ("a.ts", "export const s = process.env?.API_KEY || 'x';", "API_KEY"),
        ("a.ts", "export const s = import.meta.env.SECRET ?? 'x';", "SECRET"),
        ("a.ts", "export const s = Bun.env.SECRET ?? 'x';", "SECRET"),
        ("a.ts", "export const s = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? 'x';", "SUPABASE_SERVICE_ROLE_KEY"),
        ("a.ts", "export const s = Deno.env.get(\"KEY\") || `x`;", "KEY"),
        ("a.ts", "export const s = process.env.TOKEN ? process.env.TOKEN : 'x';", "TOKEN"),
        ("a.ts", "export const s = !process.env.TOKEN ? 'x' : process.env.TOKEN;", "TOKEN"),
        ("a.ts", "process.env.TOKEN ??= 'x';", "TOKEN"),
        ("a.ts", "process.env.TOKEN ||= 'x';", "TOKEN"),
    ];
    for (path, source, name) in cases {
        assert_eq!(fallbacks(path, source), one(1, name, true), "{source}");
    }
}

#[test]
fn destructuring_defaults() {
    let source = "const {\n  JWT_SECRET = 'dev',\n  PORT: port = 3000,\n  DATABASE_URL,\n  API_KEY: key = ``,\n} = process.env;\n";
    assert_eq!(
        fallbacks("config.ts", source),
        vec![(2, "JWT_SECRET".to_owned(), true), (3, "PORT".to_owned(), false), (5, "API_KEY".to_owned(), false)]
    );
    let source = "const { VITE_KEY = 'k' } = import.meta.env;\nconst { OTHER = 'x' } = config;\n";
    assert_eq!(fallbacks("config.ts", source), one(1, "VITE_KEY", true));
}

#[test]
fn fallbacks_that_are_not_strings() {
    let cases = [
        "export const s = process.env.JWT_SECRET || '';",
        "export const s = process.env.JWT_SECRET || ``;",
        "export const s = process.env.JWT_SECRET || `${prefix}-dev`;",
        "export const s = process.env.JWT_SECRET || generateKey();",
        "export const s = process.env.JWT_SECRET ?? undefined;",
        "export const s = process.env.PORT || 3000;",
        "export const s = process.env.FLAG || false;",
    ];
    for source in cases {
        assert!(fallbacks("a.ts", source).iter().all(|(_, _, literal)| !literal), "{source}");
    }
}

#[test]
fn a_chain_of_reads_falls_back_to_its_last_operand() {
    let found = fallbacks("a.ts", "export const s = process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET || 'dev';");
    assert!(found.contains(&(1, "AUTH_SECRET".to_owned(), true)), "{found:?}");
    assert!(found.contains(&(1, "NEXTAUTH_SECRET".to_owned(), true)), "{found:?}");
    // Broken by something that is not a read: the first read falls back to that, not to the string.
    let found = fallbacks("a.ts", "export const s = process.env.AUTH_SECRET || config.secret || 'dev';");
    assert_eq!(found, one(1, "AUTH_SECRET", false));
}

#[test]
fn other_objects_are_not_the_environment() {
    let cases = [
        "export const s = config.env.JWT_SECRET || 'x';",
        "export const s = env.JWT_SECRET || 'x';",
        "export const s = Deno.env.toObject().JWT_SECRET || 'x';",
        "export const s = settings.get('JWT_SECRET') || 'x';",
        "export const s = process.env[name] || 'x';",
    ];
    for source in cases {
        assert_eq!(fallbacks("a.ts", source), [], "{source}");
    }
}

#[test]
fn files_without_env_reads_are_skipped() {
    assert_eq!(fallbacks("a.ts", "const env = {};\nexport const s = env.JWT_SECRET || 'x';\n"), []);
}

#[test]
fn development_only_branches() {
    let cases = [
        "export const s = process.env.NODE_ENV === 'production' ? process.env.JWT_SECRET : process.env.JWT_SECRET || 'dev';",
        "export const s = process.env.NODE_ENV !== 'production' ? process.env.JWT_SECRET || 'dev' : process.env.JWT_SECRET;",
        "export const s = process.env.NODE_ENV === 'development' ? process.env.JWT_SECRET || 'dev' : process.env.JWT_SECRET;",
        "export const s = import.meta.env.DEV ? import.meta.env.SECRET ?? 'dev' : import.meta.env.SECRET;",
        "export const s = !import.meta.env.PROD && (import.meta.env.SECRET ?? 'dev');",
        "let s;\nif (isDev) {\n  s = process.env.JWT_SECRET || 'dev';\n}\n",
        "let s;\nif (process.env.NODE_ENV === 'production') {\n  s = process.env.JWT_SECRET;\n} else {\n  s = process.env.JWT_SECRET || 'dev';\n}\n",
        "let s;\nif (process.env.NODE_ENV === 'test' || process.env.NODE_ENV === 'development') {\n  s = process.env.JWT_SECRET || 'dev';\n}\n",
        "let s;\nif (!IS_PRODUCTION) s = process.env.JWT_SECRET || 'dev';\n",
        "let s;\nif (__DEV__ && enabled) s = process.env.JWT_SECRET || 'dev';\n",
    ];
    for source in cases {
        assert!(fallbacks("a.ts", source).iter().all(|(_, _, literal)| !literal), "{source}");
    }
}

#[test]
fn branches_that_may_run_in_production() {
    let cases = [
        // `NODE_ENV !== 'development'` also holds on a staging server with NODE_ENV unset.
        "let s;\nif (process.env.NODE_ENV !== 'development') {\n  s = process.env.JWT_SECRET || 'dev';\n}\n",
        "let s;\nif (isDev || enabled) s = process.env.JWT_SECRET || 'dev';\n",
        "let s;\nif (!(isDev && enabled)) s = process.env.JWT_SECRET || 'dev';\n",
        "export const s = process.env.NODE_ENV === 'production' ? process.env.JWT_SECRET || 'dev' : 'dev';",
    ];
    for source in cases {
        let found = fallbacks("a.ts", source);
        assert!(found.iter().any(|(_, name, literal)| name == "JWT_SECRET" && *literal), "{source}: {found:?}");
    }
}

#[test]
fn a_variable_the_file_requires_is_not_reported() {
    let cases = [
        "if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET is not set');\nexport const s = process.env.JWT_SECRET || 'dev';\n",
        "export const s = process.env.JWT_SECRET || 'dev';\nif (process.env.NODE_ENV === 'production' && !process.env.JWT_SECRET) {\n  console.error('missing');\n  process.exit(1);\n}\n",
    ];
    for source in cases {
        assert_eq!(fallbacks("a.ts", source), [], "{source}");
    }
    // A check that only warns does not stop the app.
    let source = "if (!process.env.JWT_SECRET) console.warn('JWT_SECRET is not set');\nexport const s = process.env.JWT_SECRET || 'dev';\n";
    assert_eq!(fallbacks("a.ts", source), one(2, "JWT_SECRET", true));
}
