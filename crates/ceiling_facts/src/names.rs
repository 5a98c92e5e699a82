//! Names as words: what rules and plans read in route paths and function names.

/// The lower-case words of a name in camelCase, PascalCase, kebab-case or snake_case:
/// `sendWelcomeEmail` → send, welcome, email; `clear-cache` → clear, cache.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let boundary = !c.is_alphanumeric() || (c.is_uppercase() && previous_lower);
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn splits_every_case() {
        assert_eq!(words("validateSurveyPinAction"), ["validate", "survey", "pin", "action"]);
        assert_eq!(words("verify-link_password"), ["verify", "link", "password"]);
        assert_eq!(words("HTTPServer2fa"), ["httpserver2fa"]);
        assert_eq!(words("[linkId]"), ["link", "id"]);
    }
}
