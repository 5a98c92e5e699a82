//! Keys written into the source as literals.

/// Whether a string is a Supabase service-role key: a JWT (`eyJ...`, three dot-separated parts)
/// whose payload says `"role": "service_role"`. The anon key has the same shape with
/// `"role": "anon"`, and is public by design.
pub(crate) fn is_service_role_key(text: &str) -> bool {
    if !text.starts_with("eyJ") || text.len() < 100 {
        return false;
    }
    let mut parts = text.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(payload) = decode_base64url(payload) else { return false };
    let payload: String = String::from_utf8_lossy(&payload).chars().filter(|c| !c.is_whitespace()).collect();
    payload.contains(r#""role":"service_role""#)
}

/// Base64url without padding, as JWTs encode their parts; `None` on any other character.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().take_while(|&b| b != b'=') {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"alg":"HS256","typ":"JWT"}`, then a payload, then a fake signature.
    fn jwt(payload: &str) -> String {
        let encode = |bytes: &[u8]| {
            const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        };
        format!("{}.{}.{}", encode(br#"{"alg":"HS256","typ":"JWT"}"#), encode(payload.as_bytes()), "c2lnbmF0dXJl")
    }

    #[test]
    fn service_role_keys_are_recognised_and_anon_keys_are_not() {
        let service = jwt(r#"{"iss":"supabase","ref":"abcdefghijklmnop","role":"service_role","iat":1700000000}"#);
        let anon = jwt(r#"{"iss":"supabase","ref":"abcdefghijklmnop","role":"anon","iat":1700000000}"#);
        assert!(is_service_role_key(&service));
        assert!(!is_service_role_key(&anon));
        assert!(!is_service_role_key(
            "eyJnot a jwt at all, but long enough to pass the length test of the check......"
        ));
    }
}
