//! A submitted form's fields, as the page sends them: `(name, value)` pairs in document order.

/// A form's fields.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a>(pub &'a [(String, String)]);

/// A field the worker could not read: its label (as the form shows it) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's label, e.g. `Quanta`.
    pub label: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl FieldError {
    /// An error about the field labelled `label`.
    pub fn new(label: &str, message: impl Into<String>) -> Self {
        FieldError { label: label.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.label, self.message)
    }
}

impl<'a> Fields<'a> {
    /// Whether the form sent nothing (a panel's first form).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first value of `name`, trimmed; `None` if absent or blank.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every value of `name` (ticked boxes), in order, blanks left out.
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    /// Whether a box named `name` was ticked (or any value sent).
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A whole number in `min..=max`, or `None` when blank. Errors name the field by `label`.
    pub fn number(&self, name: &str, label: &str, min: u64, max: u64) -> Result<Option<u64>, FieldError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(FieldError::new(label, format!("`{text}` is not a whole number from {min} to {max}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_by_name_blanks_left_out() {
        let pairs: Vec<(String, String)> = [("policy", "fcfs"), ("quanta", " "), ("policy", "rr"), ("seed", " 7 ")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let f = Fields(&pairs);
        assert_eq!(f.all("policy"), ["fcfs", "rr"]);
        assert_eq!(f.get("quanta"), None);
        assert_eq!(f.number("seed", "Seed", 0, 10), Ok(Some(7)));
        assert_eq!(
            f.number("seed", "Seed", 8, 10).unwrap_err().to_string(),
            "Seed: `7` is not a whole number from 8 to 10"
        );
        assert!(!f.has("io"));
    }
}
