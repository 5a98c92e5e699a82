//! Where to connect: a libpq connection URL (`postgres://user:pass@host:5432/db?sslmode=require`)
//! or key/value string, read as libpq and the ORMs that hand them out read them.
//!
//! tokio-postgres refuses keys it does not know, and the URLs users copy from Supabase, Neon,
//! RDS or their `.env` carry some: `sslmode=verify-full`, `sslrootcert`, Prisma's `pgbouncer`,
//! `schema`, `connection_limit`. We take the TLS ones ourselves, drop the ORM ones, and hand the
//! rest on. The password is kept only inside the driver's config: nothing here prints it.

use std::fmt;
use std::str::FromStr;

use tokio_postgres::config::{Config, Host, SslMode};

/// Keys tokio-postgres understands itself.
const DRIVER_KEYS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
    "sslnegotiation",
];

/// How the connection is encrypted, as libpq's `sslmode` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// `disable`: plain TCP.
    Disable,
    /// `allow`, `prefer` (libpq's default): TLS if the server offers it, unverified.
    Prefer,
    /// `require`: TLS or nothing, the certificate unverified (libpq's meaning).
    Require,
    /// `verify-ca`: the certificate must chain to a trusted root; the host name is not checked.
    VerifyCa,
    /// `verify-full`: the chain and the host name.
    VerifyFull,
}

/// A parsed connection target.
pub struct Target {
    pub(crate) config: Config,
    pub tls: Tls,
    /// `sslrootcert`: a PEM file of roots to trust instead of the built-in Mozilla roots.
    pub root_cert: Option<String>,
    /// Keys of the URL that were not for the database (`pgbouncer`, `schema`...): ignored.
    pub ignored_keys: Vec<String>,
}

/// The URL could not be read. The message never quotes the URL, which may hold a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTarget(pub String);

impl fmt::Display for BadTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, BadTarget> {
        let text = text.trim();
        let is_url = text.starts_with("postgres://") || text.starts_with("postgresql://");
        let mut tls = Tls::Prefer;
        let mut root_cert = None;
        let mut ignored_keys = Vec::new();
        let mut kept: Vec<(String, String)> = Vec::new();
        let (base, pairs) = if is_url {
            match text.split_once('?') {
                Some((base, query)) => (base, split_query(query)),
                None => (text, Vec::new()),
            }
        } else if text.contains('=') {
            ("", split_key_values(text))
        } else {
            return Err(BadTarget(
                "expected a connection URL (postgres://user@host:5432/db) or key=value pairs (host=... dbname=...)"
                    .to_owned(),
            ));
        };
        for (key, value) in pairs {
            match key.as_str() {
                "sslmode" => {
                    tls = match value.as_str() {
                        "disable" => Tls::Disable,
                        "allow" | "prefer" => Tls::Prefer,
                        "require" => Tls::Require,
                        "verify-ca" => Tls::VerifyCa,
                        "verify-full" => Tls::VerifyFull,
                        other => {
                            return Err(BadTarget(format!(
                                "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                            )));
                        }
                    }
                }
                "sslrootcert" => root_cert = Some(value),
                // Client certificates and CRLs need a TLS setup we do not offer yet: say so rather
                // than connect without them.
                "sslcert" | "sslkey" | "sslcrl" | "sslpassword" => {
                    return Err(BadTarget(format!("{key} (client certificates) is not supported yet")));
                }
                key if DRIVER_KEYS.contains(&key) => kept.push((key.to_owned(), value)),
                _ => ignored_keys.push(key),
            }
        }
        let rebuilt = if is_url {
            let query: Vec<String> = kept.iter().map(|(key, value)| format!("{key}={value}")).collect();
            if query.is_empty() { base.to_owned() } else { format!("{base}?{}", query.join("&")) }
        } else {
            kept.iter()
                .map(|(key, value)| format!("{key}='{}'", value.replace('\\', "\\\\").replace('\'', "\\'")))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut config = Config::from_str(&rebuilt)
            .map_err(|err| BadTarget(format!("cannot read the connection string: {}", describe_config_error(&err))))?;
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        config.ssl_mode(match tls {
            Tls::Disable => SslMode::Disable,
            Tls::Prefer => SslMode::Prefer,
            Tls::Require | Tls::VerifyCa | Tls::VerifyFull => SslMode::Require,
        });
        config.application_name("ceiling");
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        Ok(Target { config, tls, root_cert, ignored_keys })
    }

    /// `db.example.com:5432`: the first host and port, for messages.
    pub fn host_port(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            #[cfg(unix)]
            Some(Host::Unix(path)) => path.display().to_string(),
            None => "localhost".to_owned(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!("{host}:{port}")
    }

    pub fn database(&self) -> &str {
        self.config.get_dbname().or(self.config.get_user()).unwrap_or("postgres")
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("(default user)")
    }

    /// The target as libpq's environment variables, for a libpq tool (`pg_dump`) to connect the
    /// same way: the password travels in the child's environment, never on its command line.
    pub fn libpq_env(&self) -> Vec<(&'static str, String)> {
        let mut env = Vec::new();
        if let Some(Host::Tcp(host)) = self.config.get_hosts().first() {
            env.push(("PGHOST", host.clone()));
        }
        #[cfg(unix)]
        if let Some(Host::Unix(path)) = self.config.get_hosts().first() {
            env.push(("PGHOST", path.display().to_string()));
        }
        if let Some(port) = self.config.get_ports().first() {
            env.push(("PGPORT", port.to_string()));
        }
        if let Some(user) = self.config.get_user() {
            env.push(("PGUSER", user.to_owned()));
        }
        if let Some(password) = self.config.get_password() {
            env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
        }
        env.push(("PGDATABASE", self.database().to_owned()));
        let mode = match self.tls {
            Tls::Disable => "disable",
            Tls::Prefer => "prefer",
            Tls::Require => "require",
            Tls::VerifyCa => "verify-ca",
            Tls::VerifyFull => "verify-full",
        };
        env.push(("PGSSLMODE", mode.to_owned()));
        if let Some(root) = &self.root_cert {
            env.push(("PGSSLROOTCERT", root.clone()));
        }
        env
    }
}

/// `a=1&b=2` into pairs, percent-decoded.
fn split_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// `host=a dbname='my db'` into pairs, honouring single quotes and backslash escapes.
fn split_key_values(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut key = String::new();
        while let Some(c) = chars.next_if(|&c| c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        if key.is_empty() {
            return pairs;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        chars.next_if_eq(&'=');
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                value.push(c);
            }
        }
        pairs.push((key, value));
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[at] == b'%'
            && let (Some(high), Some(low)) =
                (bytes.get(at + 1).copied().and_then(hex), bytes.get(at + 2).copied().and_then(hex))
        {
            out.push((high * 16 + low) as u8);
            at += 3;
            continue;
        }
        out.push(bytes[at]);
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The driver's parse error, which names the bad key or value but never the password.
fn describe_config_error(err: &tokio_postgres::Error) -> String {
    use std::error::Error;
    let mut text = err.to_string();
    if let Some(source) = err.source() {
        text = format!("{text}: {source}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_urls_keep_their_database_and_drop_orm_keys() {
        let target = Target::parse(
            "postgresql://postgres.abc:s3cr%40t@aws-0-eu.pooler.supabase.com:6543/postgres?pgbouncer=true&connection_limit=1&sslmode=require",
        )
        .unwrap();
        assert_eq!(target.tls, Tls::Require);
        assert_eq!(target.host_port(), "aws-0-eu.pooler.supabase.com:6543");
        assert_eq!(target.database(), "postgres");
        assert_eq!(target.user(), "postgres.abc");
        assert_eq!(target.config.get_password(), Some(&b"s3cr@t"[..]));
        assert_eq!(target.ignored_keys, ["pgbouncer", "connection_limit"]);
    }

    #[test]
    fn verify_modes_and_root_certs_are_ours() {
        let target = Target::parse("postgres://u@db:5433/app?sslmode=verify-full&sslrootcert=/etc/rds.pem").unwrap();
        assert_eq!(target.tls, Tls::VerifyFull);
        assert_eq!(target.root_cert.as_deref(), Some("/etc/rds.pem"));
        assert_eq!(target.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(Target::parse("postgres://u@db/app").unwrap().tls, Tls::Prefer);
    }

    #[test]
    fn key_value_strings_are_read_like_libpq() {
        let target =
            Target::parse("host=db.internal port=6000 dbname='my app' user=me password='it\\'s' sslmode=disable")
                .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(target.host_port(), "db.internal:6000");
        assert_eq!(target.database(), "my app");
        assert_eq!(target.tls, Tls::Disable);
    }

    #[test]
    fn errors_never_quote_the_password() {
        for text in [
            "postgres://me:hunter2@db:notaport/app",
            "postgres://me:hunter2@db/app?sslmode=sometimes",
            "hunter2",
            "postgres://me:hunter2@db/app?sslkey=/k.pem",
        ] {
            let err = Target::parse(text).err().unwrap_or_else(|| panic!("{text} should not parse"));
            assert!(!err.0.contains("hunter2"), "{err}");
        }
    }
}
