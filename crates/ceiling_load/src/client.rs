//! One HTTP connection (HTTP/1.1 keep-alive or HTTP/2, over TCP or TLS) and one request on it. Failures
//! are sorted into a few kinds, the vocabulary of the report.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::target::Origin;

/// Why a request got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No response within `--timeout` of the intended send time.
    Timeout,
    /// The server refused the connection: nothing listens, or its accept queue is full.
    ConnectionRefused,
    /// The connection was reset or closed before the response ended.
    ConnectionReset,
    /// The TLS handshake failed (a certificate, or TLS spoken to a plain-HTTP port).
    Tls,
    /// The response was not valid HTTP.
    Protocol,
    /// Anything else from the socket.
    Io,
}

impl ErrorKind {
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::ConnectionRefused => "connection refused",
            ErrorKind::ConnectionReset => "connection reset",
            ErrorKind::Tls => "TLS error",
            ErrorKind::Protocol => "HTTP protocol error",
            ErrorKind::Io => "I/O error",
        }
    }

    /// The key of the kind in the JSON report's error counts: `connection_refused`, `io_error`.
    pub fn key(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::ConnectionRefused => "connection_refused",
            ErrorKind::ConnectionReset => "connection_reset",
            ErrorKind::Tls => "tls_error",
            ErrorKind::Protocol => "http_protocol_error",
            ErrorKind::Io => "io_error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A failure with the detail the one-line error of a preflight needs.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: ErrorKind,
    pub detail: String,
}

impl Failure {
    pub(crate) fn new(kind: ErrorKind, detail: impl fmt::Display) -> Failure {
        Failure { kind, detail: detail.to_string() }
    }

    pub(crate) fn from_io(error: &std::io::Error) -> Failure {
        use std::io::ErrorKind as Io;
        let kind = match error.kind() {
            Io::ConnectionRefused => ErrorKind::ConnectionRefused,
            Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe | Io::UnexpectedEof => {
                ErrorKind::ConnectionReset
            }
            Io::TimedOut => ErrorKind::Timeout,
            _ => ErrorKind::Io,
        };
        Failure::new(kind, error)
    }

    fn from_hyper(error: &hyper::Error) -> Failure {
        let kind = if error.is_parse() || error.is_user() {
            ErrorKind::Protocol
        } else if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
            ErrorKind::ConnectionReset
        } else if let Some(io) = std::error::Error::source(error).and_then(|s| s.downcast_ref::<std::io::Error>()) {
            return Failure::from_io(io);
        } else {
            ErrorKind::Io
        };
        Failure::new(kind, error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// One request as it is sent on every repetition.
#[derive(Debug, Clone)]
pub struct RequestTemplate {
    pub method: Method,
    pub path: PathAndQuery,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl RequestTemplate {
    pub fn get(path: PathAndQuery) -> RequestTemplate {
        RequestTemplate { method: Method::GET, path, headers: Vec::new(), body: Bytes::new() }
    }

    /// `GET /posts`, the name of the endpoint in reports.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Opens connections to one origin; shared by every worker of a run.
#[derive(Clone)]
pub struct Connector {
    origin: Origin,
    addrs: Arc<[SocketAddr]>,
    tls: Option<TlsConnector>,
    http2: bool,
    /// The URI each request carries: origin-form for HTTP/1.1, absolute for HTTP/2's pseudo-headers.
    host_header: HeaderValue,
}

impl Connector {
    pub fn new(origin: Origin, addrs: Vec<SocketAddr>, http2: bool) -> Connector {
        let tls = origin.tls.then(|| {
            let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = if http2 { vec![b"h2".to_vec()] } else { vec![b"http/1.1".to_vec()] };
            TlsConnector::from(Arc::new(config))
        });
        let host_header = HeaderValue::from_str(origin.authority.as_str()).expect("an authority is a valid header");
        Connector { origin, addrs: addrs.into(), tls, http2, host_header }
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Whether the load loop can speak plain HTTP/1.1 itself ([`crate::wire`]): no TLS, no HTTP/2.
    pub fn speaks_wire(&self) -> bool {
        self.tls.is_none() && !self.http2
    }

    pub async fn connect_wire(&self) -> Result<crate::wire::WireConnection, Failure> {
        Ok(crate::wire::WireConnection::new(self.tcp().await?))
    }

    pub async fn connect(&self) -> Result<Connection, Failure> {
        let tcp = self.tcp().await?;
        if let Some(tls) = &self.tls {
            let name = rustls::pki_types::ServerName::try_from(self.origin.host.clone())
                .map_err(|error| Failure::new(ErrorKind::Tls, error))?;
            // The TCP connection stands; whatever ends the handshake (a bad certificate, a server that
            // answers in plain HTTP and closes) is a TLS error.
            let stream = tls.connect(name, tcp).await.map_err(|error| Failure::new(ErrorKind::Tls, error))?;
            self.handshake(TokioIo::new(stream)).await
        } else {
            self.handshake(TokioIo::new(tcp)).await
        }
    }

    async fn tcp(&self) -> Result<TcpStream, Failure> {
        let mut last = None;
        for addr in self.addrs.iter() {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    // Requests are small and latency is the measure: no Nagle delay.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(error) => last = Some(Failure::from_io(&error)),
            }
        }
        Err(last.unwrap_or_else(|| Failure::new(ErrorKind::Io, "no address to connect to")))
    }

    async fn handshake<S>(&self, io: TokioIo<S>) -> Result<Connection, Failure>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        if self.http2 {
            let (sender, connection) =
                http2::handshake(TokioExecutor::new(), io).await.map_err(|error| Failure::from_hyper(&error))?;
            tokio::spawn(connection);
            Ok(Connection { sender: Sender::Http2(sender), connector: self.clone(), server_closes: false })
        } else {
            let (sender, connection) =
                http1::Builder::new().writev(false).handshake(io).await.map_err(|error| Failure::from_hyper(&error))?;
            tokio::spawn(connection);
            Ok(Connection { sender: Sender::Http1(sender), connector: self.clone(), server_closes: false })
        }
    }

    fn request(&self, template: &RequestTemplate) -> Request<Full<Bytes>> {
        let uri: Uri = if self.http2 { self.origin.uri(&template.path) } else { Uri::from(template.path.clone()) };
        let mut request = Request::new(Full::new(template.body.clone()));
        *request.method_mut() = template.method.clone();
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        if !self.http2 {
            headers.insert(http::header::HOST, self.host_header.clone());
        }
        for (name, value) in &template.headers {
            headers.append(name.clone(), value.clone());
        }
        request
    }
}

enum Sender {
    Http1(http1::SendRequest<Full<Bytes>>),
    Http2(http2::SendRequest<Full<Bytes>>),
}

/// An open connection; after a failure the caller drops it and connects again.
pub struct Connection {
    sender: Sender,
    connector: Connector,
    /// The server said it closes the connection after its answer (`Connection: close`, HTTP/1.0).
    server_closes: bool,
}

/// Whether the server ends the connection after this response.
fn closes(response: &Response<Incoming>) -> bool {
    let close_header = response
        .headers()
        .get(http::header::CONNECTION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("close"));
    close_header || response.version() == http::Version::HTTP_10
}

/// What a response carried that the reports read.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Connection {
    /// Whether a next request can go on this connection: the server has not closed it nor said it would.
    /// A server's idle timeout can still close it in the instant before a send; that counts as a reset.
    pub fn reusable(&self) -> bool {
        let closed = match &self.sender {
            Sender::Http1(sender) => sender.is_closed(),
            Sender::Http2(sender) => sender.is_closed(),
        };
        !closed && !self.server_closes
    }

    /// Sends one request and reads the whole response, dropping the body: the load loop's path.
    pub async fn send(&mut self, template: &RequestTemplate) -> Result<u16, Failure> {
        let response = self.exchange(template).await?;
        let status = response.status().as_u16();
        self.server_closes |= closes(&response);
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            frame.map_err(|error| Failure::from_hyper(&error))?;
        }
        Ok(status)
    }

    /// Sends one request and keeps the response's headers and body: the probes' path.
    pub async fn answer(&mut self, template: &RequestTemplate) -> Result<Answer, Failure> {
        let response = self.exchange(template).await?;
        let status = response.status().as_u16();
        self.server_closes |= closes(&response);
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.map_err(|error| Failure::from_hyper(&error))?.to_bytes();
        Ok(Answer { status, headers, body })
    }

    async fn exchange(&mut self, template: &RequestTemplate) -> Result<Response<Incoming>, Failure> {
        let request = self.connector.request(template);
        let sent = match &mut self.sender {
            Sender::Http1(sender) => {
                sender.ready().await.map_err(|error| Failure::from_hyper(&error))?;
                sender.send_request(request).await
            }
            Sender::Http2(sender) => {
                sender.ready().await.map_err(|error| Failure::from_hyper(&error))?;
                sender.send_request(request).await
            }
        };
        sent.map_err(|error| Failure::from_hyper(&error))
    }
}
