//! Editing the author's JSON text in place (`model::scenario::text`), checked against
//! serde_json on random documents laid out compactly or pretty: a replaced, added or removed
//! member means exactly that change, and the text before the edit is untouched.

use proptest::prelude::*;
use serde_json::{Map, Value};
use threadlab::model::scenario::text;

/// Random JSON: scalars at the leaves, objects with keys from a small set, short arrays.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Value::from),
        "[a-z é\"\\\\]{0,6}".prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-e]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A document: an object at the top, as scenarios are.
fn doc() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-e]", json(), 1..5).prop_map(|m| m.into_iter().collect())
}

/// Every path to a member of an object in `v`, with the member's value.
fn member_paths(v: &Value, here: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = if here.is_empty() { k.clone() } else { format!("{here}.{k}") };
                out.push((p.clone(), child.clone()));
                member_paths(child, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                member_paths(child, &format!("{here}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// `v` with `f` applied to the value at `path` (a member path from [`member_paths`]).
fn at_path(v: &mut Value, path: &str, f: impl FnOnce(&mut Map<String, Value>, &str)) {
    let steps = text::steps(path);
    let (last, parents) = steps.split_last().unwrap();
    let mut cur = v;
    for s in parents {
        cur = match s {
            text::Step::Key(k) => cur.get_mut(k).unwrap(),
            text::Step::Index(i) => cur.get_mut(*i).unwrap(),
        };
    }
    let text::Step::Key(k) = last else { panic!("member paths end in a key") };
    f(cur.as_object_mut().unwrap(), k);
}

fn layouts(v: &Value) -> [String; 2] {
    [serde_json::to_string(v).unwrap(), serde_json::to_string_pretty(v).unwrap()]
}

proptest! {
    #[test]
    fn replacing_a_member_changes_only_it(d in doc(), pick in any::<prop::sample::Index>(), new in json()) {
        let v = Value::Object(d);
        let mut members = Vec::new();
        member_paths(&v, "", &mut members);
        let (path, _) = &members[pick.index(members.len())];
        for source in layouts(&v) {
            let out = text::set(&source, path, &serde_json::to_string(&new).unwrap()).unwrap();
            let mut want = v.clone();
            at_path(&mut want, path, |m, k| { m.insert(k.to_string(), new.clone()); });
            prop_assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), want);
            let start = text::span(&source, path).unwrap().start;
            prop_assert_eq!(&out[..start], &source[..start], "the text before the value is untouched");
        }
    }

    #[test]
    fn adding_a_member_adds_only_it(d in doc(), pick in any::<prop::sample::Index>(), new in json()) {
        let v = Value::Object(d);
        // Objects in the document (the top one included) get a key no generated key has.
        let mut objects = vec![String::new()];
        let mut members = Vec::new();
        member_paths(&v, "", &mut members);
        objects.extend(members.iter().filter(|(_, m)| m.is_object()).map(|(p, _)| p.clone()));
        let parent = &objects[pick.index(objects.len())];
        let path = if parent.is_empty() { "zz".to_string() } else { format!("{parent}.zz") };
        for source in layouts(&v) {
            let out = text::set(&source, &path, &serde_json::to_string(&new).unwrap()).unwrap();
            let mut want = v.clone();
            at_path(&mut want, &path, |m, k| { m.insert(k.to_string(), new.clone()); });
            prop_assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), want);
        }
    }

    #[test]
    fn removing_a_member_removes_only_it(d in doc(), pick in any::<prop::sample::Index>()) {
        let v = Value::Object(d);
        let mut members = Vec::new();
        member_paths(&v, "", &mut members);
        let (path, _) = &members[pick.index(members.len())];
        for source in layouts(&v) {
            let out = text::remove(&source, path).unwrap();
            let mut want = v.clone();
            at_path(&mut want, path, |m, k| { m.remove(k); });
            prop_assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), want);
        }
    }

    #[test]
    fn a_located_value_starts_where_it_is_written(d in doc(), pick in any::<prop::sample::Index>()) {
        let v = Value::Object(d);
        let mut members = Vec::new();
        member_paths(&v, "", &mut members);
        let (path, value) = &members[pick.index(members.len())];
        let source = serde_json::to_string_pretty(&v).unwrap();
        let span = text::span(&source, path).unwrap();
        prop_assert_eq!(&serde_json::from_str::<Value>(&source[span.clone()]).unwrap(), value);
        let (line, column) = text::line_column(&source, span.start);
        let line_text = source.split('\n').nth(line as usize - 1).unwrap();
        // The character shown at that line and column is the value's first.
        let shown = line_text.chars().nth(column as usize - 1);
        prop_assert_eq!(shown, source[span].chars().next(), "line {}, column {}", line, column);
    }
}
