//! One read-only session with the user's database.
//!
//! Every statement runs inside `BEGIN ... READ ONLY`, with low timeouts set by `SET LOCAL` (so
//! that they hold behind PgBouncer or Supavisor in transaction mode, which reject startup options
//! and lose session settings), and the transaction always ends with `ROLLBACK`. Before that, the
//! session checks that no transaction id was assigned: PostgreSQL assigns one on the first write,
//! so none means nothing was written.
//!
//! The driver is async; ceiling is not. A current-thread runtime drives it, one query at a time,
//! which keeps the load on the user's database to a single backend.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::{Client, NoTls, Row, SimpleQueryMessage};

use crate::DbError;
use crate::target::{Target, Tls};

/// Prefixed to every statement we send, so that our own reads can be told apart in
/// `pg_stat_statements` and `pg_stat_activity`.
pub const MARKER: &str = "/* ceiling */";

pub struct Session {
    runtime: tokio::runtime::Runtime,
    client: Client,
    statement_timeout: Duration,
    in_transaction: bool,
}

impl Session {
    pub fn connect(target: &Target, statement_timeout: Duration) -> Result<Session, DbError> {
        let (runtime, client) = connect(target)?;
        Ok(Session { runtime, client, statement_timeout, in_transaction: false })
    }

    /// Runs one read of the catalog; on an error (no privilege, a timeout) the transaction is
    /// rolled back so that the next read starts clean, and the error is returned as a sentence.
    pub fn read(&mut self, sql: &str) -> Result<Vec<Row>, String> {
        self.begin()?;
        let text = format!("{MARKER} {sql}");
        let result = self.runtime.block_on(self.client.query_typed(&text, &[]));
        result.map_err(|err| {
            let reason = describe(&err);
            let _ = self.rollback();
            reason
        })
    }

    /// Runs `statements` in one round trip of the simple protocol, inside the same read-only
    /// transaction, each marked as ours: what the extended protocol cannot carry (`SET LOCAL`,
    /// `PREPARE`, `EXPLAIN EXECUTE`). Returns each statement's rows, as text. On an error the
    /// transaction is rolled back, as [`Session::read`] does.
    pub fn script(&mut self, statements: &[&str]) -> Result<Vec<Vec<Vec<Option<String>>>>, String> {
        self.begin()?;
        let text: Vec<String> = statements.iter().map(|statement| format!("{MARKER} {statement}")).collect();
        let result = self.runtime.block_on(self.client.simple_query(&text.join(";\n")));
        let messages = result.map_err(|err| {
            let reason = describe(&err);
            let _ = self.rollback();
            reason
        })?;
        let mut results = Vec::new();
        let mut rows = Vec::new();
        for message in messages {
            match message {
                SimpleQueryMessage::Row(row) => {
                    rows.push((0..row.len()).map(|at| row.get(at).map(str::to_owned)).collect());
                }
                SimpleQueryMessage::CommandComplete(_) => results.push(std::mem::take(&mut rows)),
                _ => {}
            }
        }
        Ok(results)
    }

    /// Ends the session: checks that the transaction wrote nothing, then rolls it back.
    pub fn finish(mut self) -> Result<(), DbError> {
        if self.in_transaction {
            let rows = self
                .runtime
                .block_on(self.client.query_typed(&format!("{MARKER} select txid_current_if_assigned()::text"), &[]))
                .map_err(|err| DbError::Query(describe(&err)))?;
            let assigned: Option<String> = rows.first().and_then(|row| row.get(0));
            if let Some(xid) = assigned {
                let _ = self.rollback();
                return Err(DbError::WroteSomething(xid));
            }
            self.rollback().map_err(DbError::Query)?;
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<(), String> {
        if self.in_transaction {
            return Ok(());
        }
        let setup = format!(
            "{MARKER} begin isolation level repeatable read read only; \
             set local statement_timeout = '{}ms'; set local lock_timeout = '1s'; \
             set local idle_in_transaction_session_timeout = '60s'; set local search_path = ''",
            self.statement_timeout.as_millis()
        );
        self.runtime.block_on(self.client.batch_execute(&setup)).map_err(|err| describe(&err))?;
        self.in_transaction = true;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), String> {
        self.in_transaction = false;
        self.runtime.block_on(self.client.batch_execute("rollback")).map_err(|err| describe(&err))
    }
}

/// Connects to `target` as libpq would (its TLS mode included), on a current-thread runtime
/// that the caller keeps to drive the client. `ceiling grow` uses it for the scratch database.
pub fn connect(target: &Target) -> Result<(tokio::runtime::Runtime, Client), DbError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| DbError::Runtime(err.to_string()))?;
    let cannot = |reason: String| DbError::Connect {
        at: target.host_port(),
        database: target.database().to_owned(),
        user: target.user().to_owned(),
        reason,
    };
    let client = runtime.block_on(async {
        // The connection task ends with the client; its error, if any, surfaces on the next query.
        let client = match target.tls {
            Tls::Disable => {
                let (client, connection) = target.config.connect(NoTls).await.map_err(|e| cannot(describe(&e)))?;
                tokio::spawn(connection);
                client
            }
            _ => {
                let connector = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(target).map_err(cannot)?);
                let (client, connection) = target.config.connect(connector).await.map_err(|e| cannot(describe(&e)))?;
                tokio::spawn(connection);
                client
            }
        };
        Ok::<Client, DbError>(client)
    })?;
    Ok((runtime, client))
}

/// The driver's error as one line: the server's message and hint, or the I/O cause, with our
/// reading of what it means when the raw text would puzzle.
pub fn describe(err: &tokio_postgres::Error) -> String {
    use std::error::Error;
    if let Some(db) = err.as_db_error() {
        let mut text = db.message().to_owned();
        match db.code().code() {
            "28P01" => text.push_str(" (wrong password?)"),
            "28000" if db.message().contains("no encryption") => text.push_str(" (add ?sslmode=require to the URL)"),
            "42501" => text.push_str(" (the role lacks a privilege)"),
            "57014" => text.push_str(" (the statement timed out)"),
            _ => {}
        }
        if let Some(hint) = db.hint() {
            text = format!("{text}; hint: {hint}");
        }
        return text;
    }
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    // What the driver says when the other end speaks another protocol (HTTP, Redis...).
    let garbled =
        ["unexpected message", "invalid message", "unexpected EOF", "bytes remaining on stream", "unexpected response"];
    if garbled.iter().any(|sign| text.contains(sign)) {
        text.push_str(" (is this a PostgreSQL server?)");
    }
    text
}

/// The TLS client of `sslmode`: libpq's `prefer`/`require` encrypt without checking the
/// certificate; `verify-ca` checks the chain, `verify-full` the chain and the host name, against
/// `sslrootcert` or the Mozilla roots built into the binary.
fn tls_config(target: &Target) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| format!("TLS setup: {err}"))?;
    let mut roots = RootCertStore::empty();
    match &target.root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|err| format!("cannot read sslrootcert {path}: {err}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| format!("cannot read sslrootcert {path}: {err}"))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!("sslrootcert {path} holds no certificate"));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|err| format!("TLS setup: {err}"))?;
    let verifier: Arc<dyn ServerCertVerifier> = match target.tls {
        Tls::VerifyFull => webpki,
        Tls::VerifyCa => Arc::new(Lenient { inner: webpki, check_chain: true }),
        Tls::Disable | Tls::Prefer | Tls::Require => Arc::new(Lenient { inner: webpki, check_chain: false }),
    };
    Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// libpq's lenient modes over the full check: `verify-ca` trusts the chain but not the name,
/// `require`/`prefer` accept any certificate. Either way the handshake's signatures are checked, so
/// the session is encrypted with the key of the certificate the server sent.
#[derive(Debug)]
struct Lenient {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    /// `verify-ca`: the certificate must chain to a trusted root.
    check_chain: bool,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.check_chain {
            return Ok(ServerCertVerified::assertion());
        }
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
