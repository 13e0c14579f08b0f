//! Who is asking, as far as the network can tell: the address a sign-in is counted against.
//! It is the connection's peer, unless that peer is a reverse proxy the configuration trusts
//! (`trusted_proxies`), in which case `X-Forwarded-For` names the client. A header from anyone
//! else is ignored, so a client cannot pick the address its failures are counted against.
//! IPv6 clients are counted by their /64 network, since one device can use many addresses in it.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use axum::http::HeaderMap;
use serde::Deserialize;

/// A trusted reverse proxy: one address (`10.0.0.5`) or a network (`10.0.0.0/24`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Whether `ip` is this proxy or inside its network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u32::from(n).into(), self.prefix, 32)
                    == masked(u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                masked(u128::from(n), self.prefix, 128) == masked(u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits >> (width - prefix)
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{s}` is not an address or network: write the proxy's address (\"127.0.0.1\") or a network (\"10.0.0.0/24\")"
            )
        };
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let network = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(width);
        if prefix > width {
            return Err(format!(
                "`{s}`: a network's prefix is at most /{width} for this kind of address"
            ));
        }
        Ok(TrustedProxy { network, prefix })
    }
}

impl TryFrom<String> for TrustedProxy {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl fmt::Display for TrustedProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// `::ffff:1.2.3.4` is 1.2.3.4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: `peer`, or, when `peer` is a trusted proxy, the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.iter().any(|t| t.contains(peer)) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !trusted.iter().any(|t| t.contains(client)) {
                    break;
                }
            }
            // An unreadable hop: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

/// The scheme the browser used, when a trusted proxy says (`X-Forwarded-Proto`).
pub fn forwarded_scheme(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[TrustedProxy],
) -> Option<&'static str> {
    if !trusted.iter().any(|t| t.contains(canonical(peer))) {
        return None;
    }
    let proto = headers.get("x-forwarded-proto")?.to_str().ok()?;
    let first = proto.split(',').next()?.trim();
    ["http", "https"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(first))
}

/// What the sign-in throttle counts an address as: IPv4 as it is, IPv6 by its /64 network.
pub fn throttle_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static(value));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        h
    }

    #[test]
    fn proxies_parse_as_addresses_or_networks() {
        let net: TrustedProxy = "10.0.0.0/24".parse().unwrap();
        assert!(net.contains(ip("10.0.0.200")) && !net.contains(ip("10.0.1.1")));
        let one: TrustedProxy = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(one.contains(ip("::ffff:127.0.0.1")));
        let v6: TrustedProxy = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("10.0.0.1")));
        assert!(
            "0.0.0.0/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        for bad in ["proxy.local", "10.0.0.0/33", "10.0.0.0/x", "", "::/129"] {
            assert!(bad.parse::<TrustedProxy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy = ["10.0.0.5".parse().unwrap()];
        let h = forwarded("203.0.113.9, 198.51.100.7");
        // From the proxy: the nearest hop it names.
        assert_eq!(
            client_address(ip("10.0.0.5"), &h, &proxy),
            ip("198.51.100.7")
        );
        // From anyone else the header is theirs to forge: ignored.
        assert_eq!(client_address(ip("192.0.2.1"), &h, &proxy), ip("192.0.2.1"));
        assert_eq!(client_address(ip("10.0.0.5"), &h, &[]), ip("10.0.0.5"));
        // Chained trusted proxies are skipped; garbage stops the walk.
        let two = ["10.0.0.0/24".parse().unwrap()];
        let h = forwarded("198.51.100.7, 10.0.0.9");
        assert_eq!(client_address(ip("10.0.0.5"), &h, &two), ip("198.51.100.7"));
        let h = forwarded("198.51.100.7, nonsense");
        assert_eq!(client_address(ip("10.0.0.5"), &h, &two), ip("10.0.0.5"));
        assert_eq!(
            client_address(ip("10.0.0.5"), &HeaderMap::new(), &proxy),
            ip("10.0.0.5")
        );
        assert_eq!(forwarded_scheme(ip("10.0.0.5"), &h, &two), Some("https"));
        assert_eq!(forwarded_scheme(ip("192.0.2.1"), &h, &two), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(throttle_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(throttle_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
