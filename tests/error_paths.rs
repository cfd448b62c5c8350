//! An error's path is read from the text where serde_json stopped (`text::path_at`), instead of
//! tracking every value while parsing (`serde_path_to_error`, generic over every type: too
//! large for the page). Here the tracked path is the oracle: on presets broken at random (a
//! character deleted or inserted, the text cut, a value of the wrong type, a key misspelt), both
//! name the same place.

use proptest::prelude::*;
use threadlab::model::Scenario;
use threadlab::model::scenario::text;
use threadlab::presets;

/// A preset's text, pretty as shipped or compact (and compact with `scheduler` last).
fn texts() -> Vec<String> {
    let mut out: Vec<String> = presets::PRESETS.iter().map(|p| p.json.to_string()).collect();
    let compact: Vec<String> = out
        .iter()
        .map(|t| serde_json::to_string(&serde_json::from_str::<serde_json::Value>(t).unwrap()).unwrap())
        .collect();
    out.extend(compact);
    // Compact again with `scheduler` the last member: an error raised once its object is read
    // must still be placed in it, not after the scenario's closing brace.
    let last: Vec<String> = presets::PRESETS
        .iter()
        .filter_map(|p| {
            let mut v = serde_json::from_str::<serde_json::Value>(p.json).unwrap();
            let scheduler = v.as_object_mut()?.remove("scheduler")?;
            let rest = serde_json::to_string(&v).unwrap();
            Some(format!("{},\"scheduler\":{scheduler}}}", &rest[..rest.len() - 1]))
        })
        .collect();
    out.extend(last);
    out
}

/// Breaks `text` at the place `at` (a fraction of its length), in one of five ways.
fn broken(text: &str, way: u8, at: f64, with: char) -> String {
    let mut i = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    match way {
        0 => text[..i].to_string() + text[i..].get(1..).unwrap_or(""),
        1 => format!("{}{with}{}", &text[..i], &text[i..]),
        2 => text[..i].to_string(),
        // A value of another type: the first value (after `: `) from the place on.
        3 => match text[i..].find(": ").map(|n| i + n + 2) {
            Some(v) => {
                let end = text[v..].find([',', '\n', '}']).map_or(text.len(), |n| v + n);
                let wrong = ["\"x\"", "-1", "{}", "[]", "true", "null", "1.5", "{\"a\": 1}"][with as usize % 8];
                format!("{}{wrong}{}", &text[..v], &text[end..])
            }
            None => text.to_string(),
        },
        // A misspelt key: the first key from the place on loses its last letter.
        _ => match text[i..].find("\":").map(|n| i + n) {
            Some(k) if k > 0 => format!("{}{with}{}", &text[..k - 1], &text[k..]),
            _ => text.to_string(),
        },
    }
}

/// The path serde_path_to_error tracks for parsing `text` as `T` (its unknown steps dropped),
/// with serde_json's error; `None` if it parses. Built from the path's steps, not its text: a
/// key may itself start with `[` (a broken `"[threads"`).
fn tracked<T: serde::de::DeserializeOwned>(text: &str) -> Option<(String, serde_json::Error)> {
    use serde_path_to_error::Segment;
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(de).err().map(|e| {
        let mut path = String::new();
        for step in e.path().iter() {
            match step {
                Segment::Seq { index } => path += &format!("[{index}]"),
                Segment::Map { key: name } | Segment::Enum { variant: name } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path += name;
                }
                Segment::Unknown => {}
            }
        }
        (path, e.into_inner())
    })
}

/// The path read from the text where serde_json stopped.
fn read_back(text: &str, e: &serde_json::Error) -> String {
    let at = if e.is_eof() { text.len() } else { text::offset_of_error(text, e.line(), e.column()) };
    text::path_at(text, at)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_path_read_from_the_text_is_the_tracked_path(
        pick in any::<prop::sample::Index>(),
        way in 0u8..5,
        at in 0.0f64..1.0,
        with in prop::sample::select(vec!['{', '}', '[', ']', ',', ':', '"', '0', 'a', ' ', '-', '\n', 'x']),
    ) {
        let texts = texts();
        let text = broken(pick.get::<String>(&texts), way, at, with);
        // As JSON first (syntax errors), then as a scenario (types, fields), as the loader does.
        // serde_path_to_error ignores text after the first value; serde_json does not: such
        // cases are left out.
        if let Some((path, e)) = tracked::<serde_json::Value>(&text) {
            prop_assert_eq!(read_back(&text, &e), path, "{}\n{}", e, text);
        } else if serde_json::from_str::<serde_json::Value>(&text).is_ok()
            && let Some((path, e)) = tracked::<Scenario>(&text)
        {
            prop_assert_eq!(read_back(&text, &e), path, "{}\n{}", e, text);
        }
    }
}
