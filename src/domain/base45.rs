//! Base45 (RFC 9285): bytes as text in the 45 characters of QR alphanumeric mode, so a card's
//! QR code is as small as it can be.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    for chunk in bytes.chunks(2) {
        let (mut n, digits) = match chunk {
            [a, b] => (u32::from(*a) * 256 + u32::from(*b), 3),
            [a] => (u32::from(*a), 2),
            _ => unreachable!("chunks(2) yields one or two bytes"),
        };
        for _ in 0..digits {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

/// Each byte's value in the alphabet, or 45 for bytes outside it.
const VALUES: [u8; 256] = {
    let mut t = [45u8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn value(c: u8) -> Option<u32> {
    let v = VALUES[usize::from(c)];
    (v < 45).then_some(u32::from(v))
}

/// Decodes Base45; `None` for any character outside the alphabet, a dangling single
/// character, or a group that does not fit its bytes (RFC 9285 §4.3). Scanned input is hostile,
/// so this does one allocation and no searching.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 3 * 2 + 1);
    for group in text.chunks(3) {
        match *group {
            [c, d, e] => {
                let n = value(c)? + value(d)? * 45 + value(e)? * 45 * 45;
                if n > 0xffff {
                    return None;
                }
                out.extend_from_slice(&[(n >> 8) as u8, (n & 0xff) as u8]);
            }
            [c, d] => {
                let n = value(c)? + value(d)? * 45;
                if n > 0xff {
                    return None;
                }
                out.push(n as u8);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode(b"QED8WEX0").unwrap(), b"ietf!");
    }

    #[test]
    fn invalid_text_is_refused() {
        assert_eq!(decode(b"GGW"), None, "65535 < 'GGW' overflows");
        assert_eq!(decode(b"A"), None, "a single dangling character");
        assert_eq!(decode(b"ab"), None, "lower case is outside the alphabet");
    }

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255).collect();
        for n in 0..data.len() {
            assert_eq!(decode(encode(&data[..n]).as_bytes()).unwrap(), &data[..n]);
        }
    }
}
