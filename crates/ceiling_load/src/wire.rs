//! The load loop's HTTP/1.1 over plain TCP, as wrk does it: the request is serialized once per
//! endpoint, and each repetition is one write of those bytes and reads into one reused buffer, parsed
//! with httparse. No allocation and no second task per request, so the generator's own cost stays
//! small beside the server it measures. TLS and HTTP/2 go through hyper (`client`), and so do the
//! probes, which keep headers and bodies.

use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{ErrorKind, Failure, RequestTemplate};
use crate::target::Origin;

/// The longest response head or chunk line read; past it the answer is not HTTP this client speaks.
const MAX_HEAD: usize = 64 * 1024;

/// Idle longer than this, a connection is checked before it is used again.
const IDLE_CHECK: Duration = Duration::from_millis(250);

/// A request's bytes on the wire.
pub fn serialize(origin: &Origin, template: &RequestTemplate) -> Bytes {
    let mut out = Vec::with_capacity(128 + template.body.len());
    out.extend_from_slice(template.method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(template.path.as_str().as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    out.extend_from_slice(origin.authority.as_str().as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in &template.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !template.body.is_empty() || !matches!(template.method.as_str(), "GET" | "HEAD" | "DELETE" | "OPTIONS") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", template.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&template.body);
    Bytes::from(out)
}

/// One keep-alive connection.
pub struct WireConnection {
    stream: TcpStream,
    buffer: BytesMut,
    /// The server said it closes after this answer, or the body ran to the end of the stream.
    closing: bool,
    last_used: Instant,
}

/// How the body of an answer ends.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

impl WireConnection {
    pub fn new(stream: TcpStream) -> WireConnection {
        WireConnection { stream, buffer: BytesMut::with_capacity(16 * 1024), closing: false, last_used: Instant::now() }
    }

    /// Whether the next request can go on this connection. After an idle spell the server may have
    /// closed it (Node.js does after 5 s): a read that would not block tells, at the cost of one system
    /// call, paid only then, so that a request is not lost to a connection already gone.
    pub fn reusable(&mut self) -> bool {
        if !self.closing && self.last_used.elapsed() > IDLE_CHECK {
            let mut probe = [0u8; 1];
            match self.stream.try_read(&mut probe) {
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                // The end of the stream, an error, or bytes no request asked for.
                _ => self.closing = true,
            }
        }
        !self.closing
    }

    /// Sends the request and reads its whole answer; returns the status.
    pub async fn send(&mut self, request: &[u8], head: bool) -> Result<u16, Failure> {
        self.stream.write_all(request).await.map_err(|error| Failure::from_io(&error))?;
        loop {
            let (status, framing, header_len) = self.read_head(head).await?;
            self.buffer.advance(header_len);
            // 1xx answers (100 Continue, 103 Early Hints) precede the real one.
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            match framing {
                Framing::Length(length) => self.skip_exactly(length).await?,
                Framing::Chunked => self.skip_chunked().await?,
                Framing::UntilClose => {
                    self.closing = true;
                    while self.fill().await? > 0 {
                        self.buffer.clear();
                    }
                    self.buffer.clear();
                }
            }
            // Bytes past the answer belong to no request: the connection cannot be trusted to stay in step.
            // 101 Switching Protocols leaves HTTP behind.
            if !self.buffer.is_empty() || status == 101 {
                self.closing = true;
            }
            self.last_used = Instant::now();
            return Ok(status);
        }
    }

    /// Reads until a whole head is buffered: the status, how the body ends, and the head's length.
    async fn read_head(&mut self, head: bool) -> Result<(u16, Framing, usize), Failure> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut headers);
            match response.parse(&self.buffer) {
                Ok(httparse::Status::Complete(length)) => {
                    let status = response.code.unwrap_or(0);
                    let (mut content_length, mut chunked, mut encoded) = (None, false, false);
                    for header in response.headers.iter() {
                        if header.name.eq_ignore_ascii_case("content-length") {
                            let text = std::str::from_utf8(header.value).unwrap_or("");
                            content_length = Some(text.trim().parse().map_err(|_| protocol("a bad Content-Length"))?);
                        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                            // `gzip, chunked`: the last coding decides (RFC 9112, 6.3).
                            let last = header.value.rsplit(|b| *b == b',').next().unwrap_or_default();
                            chunked = last.trim_ascii().eq_ignore_ascii_case(b"chunked");
                            encoded = true;
                        } else if header.name.eq_ignore_ascii_case("connection")
                            && header.value.eq_ignore_ascii_case(b"close")
                        {
                            self.closing = true;
                        }
                    }
                    if response.version == Some(0) {
                        self.closing = true;
                    }
                    // Transfer-Encoding overrides Content-Length; a coding that is not chunked runs to the close.
                    let mut framing = match (chunked, encoded, content_length) {
                        (true, _, _) => Framing::Chunked,
                        (false, false, Some(length)) => Framing::Length(length),
                        _ => Framing::UntilClose,
                    };
                    // No body, whatever the headers say.
                    if head || status == 204 || status == 304 || (100..200).contains(&status) {
                        framing = Framing::Length(0);
                    }
                    return Ok((status, framing, length));
                }
                Ok(httparse::Status::Partial) => {
                    if self.buffer.len() > MAX_HEAD {
                        return Err(protocol(format!("a response head over {} KiB", MAX_HEAD / 1024)));
                    }
                    if self.fill().await? == 0 {
                        return Err(Failure::new(ErrorKind::ConnectionReset, "the server closed the connection"));
                    }
                }
                Err(error) => return Err(protocol(error)),
            }
        }
    }

    /// Reads more bytes into the buffer; 0 at the end of the stream.
    async fn fill(&mut self) -> Result<usize, Failure> {
        if self.buffer.capacity() - self.buffer.len() < 4096 {
            self.buffer.reserve(16 * 1024);
        }
        self.stream.read_buf(&mut self.buffer).await.map_err(|error| Failure::from_io(&error))
    }

    async fn skip_exactly(&mut self, mut length: usize) -> Result<(), Failure> {
        loop {
            let take = length.min(self.buffer.len());
            self.buffer.advance(take);
            length -= take;
            if length == 0 {
                return Ok(());
            }
            if self.fill().await? == 0 {
                return Err(Failure::new(ErrorKind::ConnectionReset, "the body ended early"));
            }
        }
    }

    /// `<hex size>[;ext]\r\n<data>\r\n` ... `0\r\n[trailers]\r\n`.
    async fn skip_chunked(&mut self) -> Result<(), Failure> {
        loop {
            let line = self.line().await?;
            let size_text = line.split(|b| *b == b';').next().unwrap_or_default();
            let size = usize::from_str_radix(std::str::from_utf8(size_text).unwrap_or("").trim(), 16)
                .map_err(|_| protocol("a bad chunk size"))?;
            if size == 0 {
                // Trailers, if any, end with an empty line.
                while !self.line().await?.is_empty() {}
                return Ok(());
            }
            self.skip_exactly(size.checked_add(2).ok_or_else(|| protocol("a chunk size past any memory"))?).await?;
        }
    }

    /// The next line, without its CRLF.
    async fn line(&mut self) -> Result<Vec<u8>, Failure> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|pair| pair == b"\r\n") {
                let line = self.buffer.split_to(end + 2);
                return Ok(line[..end].to_vec());
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(protocol(format!("a chunk line over {} KiB", MAX_HEAD / 1024)));
            }
            if self.fill().await? == 0 {
                return Err(Failure::new(ErrorKind::ConnectionReset, "the body ended early"));
            }
        }
    }
}

fn protocol(detail: impl std::fmt::Display) -> Failure {
    Failure::new(ErrorKind::Protocol, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// Serves each canned answer in turn on one connection, after reading one request for each.
    async fn answers(canned: Vec<&'static [u8]>) -> (WireConnection, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut requests = Vec::new();
            for answer in canned {
                let mut request = vec![0; 4096];
                let n = socket.read(&mut request).await.unwrap();
                requests.push(request[..n].to_vec());
                // Written in two parts, so that the reader must put the answer together.
                let (first, rest) = answer.split_at(answer.len() / 2);
                socket.write_all(first).await.unwrap();
                socket.flush().await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                socket.write_all(rest).await.unwrap();
            }
            requests
        });
        (WireConnection::new(TcpStream::connect(addr).await.unwrap()), server)
    }

    #[tokio::test]
    async fn length_chunked_and_informational_answers_are_read_whole() {
        let (mut connection, server) = answers(vec![
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
            b"HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno",
        ])
        .await;
        let (origin, path) = crate::target::parse_url("http://127.0.0.1:3000/posts?limit=5").unwrap();
        let request = serialize(&origin, &RequestTemplate::get(path));
        assert_eq!(&request[..], b"GET /posts?limit=5 HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n");
        assert_eq!(connection.send(&request, false).await.unwrap(), 200);
        assert_eq!(connection.send(&request, false).await.unwrap(), 201);
        assert_eq!(connection.send(&request, false).await.unwrap(), 204);
        assert!(connection.reusable());
        assert_eq!(connection.send(&request, false).await.unwrap(), 503);
        assert!(!connection.reusable(), "Connection: close");
        assert!(connection.buffer.is_empty());
        assert_eq!(server.await.unwrap().len(), 4);
    }

    #[tokio::test]
    async fn a_body_without_length_runs_to_the_close_and_garbage_is_a_protocol_error() {
        let (mut connection, _server) = answers(vec![b"HTTP/1.0 200 OK\r\n\r\nuntil the end"]).await;
        assert_eq!(connection.send(b"GET / HTTP/1.1\r\n\r\n", false).await.unwrap(), 200);
        assert!(!connection.reusable());
        let (mut connection, _server) = answers(vec![b"\x16\x03\x01 not http at all\r\n\r\n"]).await;
        let error = connection.send(b"GET / HTTP/1.1\r\n\r\n", false).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Protocol);
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_while_idle_is_not_reused() {
        let (mut connection, server) = answers(vec![b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]).await;
        assert_eq!(connection.send(b"GET / HTTP/1.1\r\n\r\n", false).await.unwrap(), 200);
        server.await.unwrap(); // the server task ends and its socket closes
        assert!(connection.reusable(), "checked only after an idle spell");
        tokio::time::sleep(IDLE_CHECK + Duration::from_millis(50)).await;
        assert!(!connection.reusable());
    }

    #[tokio::test]
    async fn transfer_encoding_beats_content_length_and_extra_bytes_end_the_connection() {
        let (mut connection, _server) = answers(vec![
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
        ])
        .await;
        assert_eq!(connection.send(b"GET / HTTP/1.1\r\n\r\n", false).await.unwrap(), 200);
        assert!(connection.reusable());
        assert_eq!(connection.send(b"GET / HTTP/1.1\r\n\r\n", false).await.unwrap(), 200);
        assert!(!connection.reusable(), "bytes past the answer");
    }

    #[test]
    fn a_body_gets_its_length_and_headers_their_lines() {
        let (origin, path) = crate::target::parse_url("http://localhost:8080/login").unwrap();
        let mut template = RequestTemplate::get(path);
        template.method = http::Method::POST;
        template.body = Bytes::from_static(b"{}");
        template.headers.push((http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json")));
        let request = serialize(&origin, &template);
        assert_eq!(
            &request[..],
            b"POST /login HTTP/1.1\r\nHost: localhost:8080\r\ncontent-type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
    }
}
