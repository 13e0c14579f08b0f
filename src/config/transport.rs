//! TLS by default on the network, for the kiosk's staff pages and the central service alike:
//! a service reachable from other machines (any address but loopback) must serve HTTPS, or be
//! told in so many words that plain HTTP is accepted (`allow_plain_http = true`), which is then
//! a warning in the log and on the pages. Plain HTTP on a site network that includes guest
//! Wi-Fi hands passcodes and session cookies to anyone on it.

use std::fmt;
use std::net::SocketAddr;

/// Something allowed but worth a person's attention, located like a configuration error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ", `{}`: {}", self.key, self.message)
    }
}

/// How a service listening on `listen` reaches its users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// HTTPS.
    Tls,
    /// Plain HTTP on this machine only.
    Loopback,
    /// Plain HTTP on the network, accepted with `allow_plain_http = true`.
    PlainAllowed,
}

/// Whether `listen` (with TLS or not, plain HTTP allowed or not) may be served; `section` is
/// the configuration's table (`staff`, `service`) for the words. `Err` says what to do.
pub fn transport(
    listen: SocketAddr,
    tls: bool,
    allow_plain_http: bool,
    section: &str,
) -> Result<Transport, String> {
    if tls {
        Ok(Transport::Tls)
    } else if listen.ip().is_loopback() {
        Ok(Transport::Loopback)
    } else if allow_plain_http {
        Ok(Transport::PlainAllowed)
    } else {
        Err(format!(
            "{listen} is reachable from the network, and plain HTTP would show passcodes and \
             session cookies to anyone on it (guest Wi-Fi included): set [{section}.tls] with a \
             certificate and key (make them with `hub-kiosk staff tls`), listen on 127.0.0.1 \
             only, or write allow_plain_http = true to accept that risk"
        ))
    }
}

/// The warning `allow_plain_http` earns on the network.
pub fn plain_http_warning(listen: SocketAddr, section: &str) -> String {
    format!(
        "plain HTTP on {listen} (allow_plain_http = true): passcodes and session cookies cross \
         the network unencrypted. Set [{section}.tls] (`hub-kiosk staff tls`) and remove \
         allow_plain_http"
    )
}

/// A listening address given on the command line (`--listen`) in place of the file's, under the
/// file's rule: refused the same way, and the plain-HTTP warning (`[section]`'s) kept only when
/// it still applies. `origin` names the file in the warning.
pub fn listen_instead(
    listen: SocketAddr,
    tls: bool,
    allow_plain_http: bool,
    section: &str,
    origin: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<(), super::ConfigError> {
    let how = transport(listen, tls, allow_plain_http, section).map_err(|message| {
        super::ConfigError {
            file: "--listen".into(),
            line: None,
            key: None,
            message,
        }
    })?;
    let key = format!("{section}.allow_plain_http");
    warnings.retain(|w| w.key != key);
    if how == Transport::PlainAllowed {
        warnings.push(ConfigWarning {
            file: origin.to_owned(),
            line: None,
            key,
            message: plain_http_warning(listen, section),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_network_needs_tls_or_the_opt_out() {
        let t = |l, tls, plain| transport(at(l), tls, plain, "staff");
        assert_eq!(t("0.0.0.0:8080", true, false), Ok(Transport::Tls));
        assert_eq!(t("127.0.0.1:8080", false, false), Ok(Transport::Loopback));
        assert_eq!(t("[::1]:8080", false, false), Ok(Transport::Loopback));
        assert_eq!(t("0.0.0.0:8080", false, true), Ok(Transport::PlainAllowed));
        for open in ["0.0.0.0:8080", "[::]:8080", "192.168.1.20:8080"] {
            let e = t(open, false, false).unwrap_err();
            assert!(
                e.contains("[staff.tls]") && e.contains("allow_plain_http"),
                "{e}"
            );
        }
    }
}
