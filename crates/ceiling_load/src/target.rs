//! Where requests go, and the guard that keeps them on this machine unless the user names another host.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};

/// The scheme, host and port every request of a run shares; one run targets one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// `host:port` as the `Host` header and HTTP/2's `:authority` carry it.
    pub authority: Authority,
}

impl Origin {
    pub fn scheme(&self) -> Scheme {
        if self.tls { Scheme::HTTPS } else { Scheme::HTTP }
    }

    /// `http://127.0.0.1:3000`, no trailing slash.
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme(), self.authority)
    }

    /// The absolute URI of a path on this origin (HTTP/2 needs the scheme and authority).
    pub fn uri(&self, path: &PathAndQuery) -> Uri {
        Uri::builder()
            .scheme(self.scheme())
            .authority(self.authority.clone())
            .path_and_query(path.clone())
            .build()
            .expect("scheme, authority and path were each validated")
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base())
    }
}

/// Splits `url` into its origin and its path, or says in one line what is wrong with it.
pub fn parse_url(url: &str) -> Result<(Origin, PathAndQuery), String> {
    if !url.contains("://") {
        return Err(format!("invalid URL `{url}`: give the scheme, e.g. http://127.0.0.1:3000/"));
    }
    let uri: Uri = url.parse().map_err(|error| format!("invalid URL `{url}`: {error}"))?;
    let tls = match uri.scheme_str() {
        Some("http") => false,
        Some("https") => true,
        Some(other) => return Err(format!("invalid URL `{url}`: the scheme must be http or https, not {other}")),
        None => return Err(format!("invalid URL `{url}`: give the scheme, e.g. http://127.0.0.1:3000/")),
    };
    let Some(authority) = uri.authority().cloned() else {
        return Err(format!("invalid URL `{url}`: it has no host"));
    };
    if authority.as_str().contains('@') {
        return Err(format!("invalid URL `{url}`: credentials in the URL are not supported; use --header"));
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
    let authority = if authority.port().is_some() {
        authority
    } else {
        format!("{}:{port}", authority.host()).parse().map_err(|error| format!("invalid URL `{url}`: {error}"))?
    };
    let path = uri.path_and_query().cloned().unwrap_or_else(|| PathAndQuery::from_static("/"));
    Ok((Origin { tls, host, port, authority }, path))
}

/// The rule that keeps load and probes on this machine: a loopback host, or the one host the user named.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    /// From `--allow-remote HOST`: exactly the host as written in the URL.
    pub remote: Vec<String>,
}

impl Allowed {
    /// Checks the host as written, before any lookup: a remote name is refused without touching DNS.
    pub fn check_host(&self, origin: &Origin) -> Result<(), String> {
        if self.names(origin) || is_loopback_name(&origin.host) {
            return Ok(());
        }
        Err(format!(
            "{} is not a loopback host; ceiling sends requests only to 127.0.0.1, ::1 and localhost unless you \
             pass --allow-remote {}",
            origin.host, origin.host
        ))
    }

    /// Checks every address the host resolved to: a `localhost` that resolves off the machine is refused.
    pub fn check_addrs(&self, origin: &Origin, addrs: &[SocketAddr]) -> Result<(), String> {
        if self.names(origin) || addrs.iter().all(|addr| addr.ip().is_loopback()) {
            return Ok(());
        }
        Err(format!(
            "{} resolves to an address off this machine; pass --allow-remote {} to allow it",
            origin.host, origin.host
        ))
    }

    fn names(&self, origin: &Origin) -> bool {
        self.remote.iter().any(|host| host.eq_ignore_ascii_case(&origin.host))
    }
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Resolves the origin's host; an unknown host is a one-line error.
pub async fn resolve(origin: &Origin) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((origin.host.as_str(), origin.port))
        .await
        .map_err(|error| format!("cannot resolve {}: {error}", origin.host))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("cannot resolve {}: no address", origin.host));
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_url_splits_into_origin_and_path() {
        let (origin, path) = parse_url("http://127.0.0.1:3000/posts?limit=5").unwrap();
        assert_eq!(origin.base(), "http://127.0.0.1:3000");
        assert_eq!(path.as_str(), "/posts?limit=5");
        let (origin, path) = parse_url("https://localhost").unwrap();
        assert_eq!((origin.port, origin.authority.as_str(), path.as_str()), (443, "localhost:443", "/"));
        let (origin, _) = parse_url("http://[::1]:8080/").unwrap();
        assert_eq!(origin.host, "::1");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        assert!(parse_url("127.0.0.1:3000/posts").unwrap_err().contains("scheme"));
        assert!(parse_url("ftp://127.0.0.1/").unwrap_err().contains("http or https"));
        assert!(parse_url("http://").unwrap_err().starts_with("invalid URL"));
        assert!(parse_url("http://user:pw@127.0.0.1/").unwrap_err().contains("credentials"));
    }

    #[test]
    fn only_loopback_passes_without_the_flag() {
        let allowed = Allowed::default();
        let (local, _) = parse_url("http://localhost:3000/").unwrap();
        assert!(allowed.check_host(&local).is_ok());
        assert!(allowed.check_addrs(&local, &[addr("127.0.0.1:3000"), addr("[::1]:3000")]).is_ok());
        assert!(allowed.check_addrs(&local, &[addr("10.0.0.5:3000")]).is_err(), "localhost resolving off the machine");
        let (remote, _) = parse_url("http://example.com/").unwrap();
        let error = allowed.check_host(&remote).unwrap_err();
        assert!(error.contains("--allow-remote example.com"), "{error}");
        let (private, _) = parse_url("http://10.1.2.3/").unwrap();
        assert!(allowed.check_host(&private).is_err(), "a private address is still remote");
        let (loopback, _) = parse_url("http://127.0.0.2/").unwrap();
        assert!(allowed.check_host(&loopback).is_ok(), "all of 127.0.0.0/8 is loopback");
        let named = Allowed { remote: vec!["example.com".to_owned()] };
        assert!(named.check_host(&remote).is_ok());
        assert!(named.check_addrs(&remote, &[addr("93.184.216.34:80")]).is_ok());
        assert!(named.check_host(&private).is_err(), "the flag names one host, not all");
    }
}
