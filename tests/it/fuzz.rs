//! Hostile input (SPEC 13): mutated fixtures through `seed --dry-run -` and generated JSON
//! through `runs complete --result` end in exit 0 or 2, never a panic or an internal error,
//! and write nothing (the dry run rolls back; a bad result is refused before the update).

use proptest::prelude::*;
use serde_json::Value;

use crate::support::{cli, mac_org, TestDb};

const FIXTURE: &str = include_str!("../../examples/fixture.json");

const HOSTILE: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "a\u{0}b",
    "😀🏳️‍🌈",
    "../../etc/passwd",
    "'; DROP TABLE runs; --",
    "%s%n%x",
    "\u{202e}gnp.exe",
    "\\",
    "\"",
    "Europe/Nowhere",
    "* * * * * *",
    "lobu_dev_\u{0}0000000000000000000000000000000",
];

/// Every place in a JSON document, as a path of keys and indexes.
fn places(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(path.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            path.push(Value::from(k.as_str()));
            places(c, path, out);
            path.pop();
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
            path.push(Value::from(i));
            places(c, path, out);
            path.pop();
        }),
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, p| match p {
        Value::String(k) => &mut v[k.as_str()],
        _ => &mut v[usize::try_from(p.as_u64().unwrap()).unwrap()],
    })
}

/// One mutation of the example fixture, as text.
fn mutate(kind: u8, place: usize, pick: usize, cut: usize) -> String {
    let mut doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let mut all = Vec::new();
    places(&doc, &mut Vec::new(), &mut all);
    let path = all[place % all.len()].clone();
    let hostile = HOSTILE[pick % HOSTILE.len()];
    let target = at(&mut doc, &path);
    match kind {
        0 => *target = Value::from(hostile),
        1 => {
            *target = [
                Value::Null,
                Value::from(true),
                Value::from(-1),
                Value::from(1e300),
                serde_json::json!([]),
                serde_json::json!({}),
            ][pick % 6]
                .clone();
        }
        2 => {
            if let Value::String(s) = target {
                let mut chars: Vec<char> = s.chars().collect();
                chars.insert(cut % (chars.len() + 1), '\0');
                *s = chars.into_iter().collect();
            }
        }
        3 => {
            if let Value::Object(m) = target {
                m.insert(hostile.to_string(), Value::from(hostile));
            }
        }
        4 => *target = Value::from("x".repeat(70_000 + pick % 1000)),
        _ => {
            let text = doc.to_string();
            let mut end = cut % text.len();
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            return text[..end].to_string();
        }
    }
    doc.to_string()
}

fn rows(db: &TestDb) -> i64 {
    db.scalar(
        "SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM agents)
              + (SELECT count(*) FROM devices) + (SELECT count(*) FROM device_tokens)
              + (SELECT count(*) FROM watchers) + (SELECT count(*) FROM runs)",
    )
}

/// A JSON value whose strings and keys may hold NUL, quotes, emoji and escapes.
fn json_value() -> impl Strategy<Value = Value> {
    let text = "[a-z\u{0}😀'\"\\\\/ ]{0,6}";
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(text, inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn mutated_fixtures_end_in_0_or_2_and_a_dry_run_writes_nothing() {
    let db = TestDb::new();
    let before = rows(&db);
    let seen = [std::cell::Cell::new(0usize), std::cell::Cell::new(0usize)];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 120,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &(0u8..6, any::<usize>(), any::<usize>(), any::<usize>()),
            |(kind, place, pick, cut)| {
                let text = mutate(kind, place, pick, cut);
                let r = cli(&db)
                    .args(["-o", "json", "seed", "--dry-run", "-"])
                    .stdin(&text)
                    .run();
                prop_assert!(
                    r.code == 0 || r.code == 2,
                    "exit {} for {}: {}",
                    r.code,
                    text.chars().take(300).collect::<String>(),
                    r.stderr
                );
                if r.code == 2 {
                    // one line that names where: the entry or the JSON position
                    prop_assert!(r.stderr.contains("organizations") || r.stderr.contains("line"));
                }
                let n = &seen[usize::from(r.code == 2)];
                n.set(n.get() + 1);
                prop_assert_eq!(rows(&db), before);
                Ok(())
            },
        )
        .unwrap();
    // both kinds of input were met
    assert!(seen[0].get() > 0 && seen[1].get() > 0, "{seen:?}");
    // and the NUL rule names the field
    let nul = FIXTURE.replace("\"Acme\"", "\"Ac\\u0000me\"");
    let r = cli(&db).args(["seed", "--dry-run", "-"]).stdin(&nul).run();
    r.code(2);
    assert!(
        r.stderr.contains("organization name") && r.stderr.contains("NUL"),
        "{}",
        r.stderr
    );
}

#[test]
fn generated_results_end_in_0_or_2_and_nul_is_refused_before_writing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    let claimed = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let run = claimed[0]["id"].as_i64().unwrap().to_string();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 80,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&json_value(), |v| {
            let text = v.to_string();
            let state =
                format!("SELECT status || coalesce(output::text, '') FROM runs WHERE id = {run}");
            let before: String = db.scalar(&state);
            let r = cli(&db)
                .args(["-o", "json", "runs", "complete", &run, "--result", &text])
                .token(&dev.token)
                .run();
            // the first storable result completes the run; repeating a completion is a no-op
            let nul = text.contains("\\u0000");
            prop_assert_eq!(r.code, if nul { 2 } else { 0 }, "{} for {}", r.stderr, text);
            if nul {
                prop_assert!(r.stderr.contains("result") && r.stderr.contains("NUL"));
                let after: String = db.scalar(&state);
                prop_assert_eq!(after, before);
            }
            Ok(())
        })
        .unwrap();
    // truncated JSON is a usage error
    cli(&db)
        .args(["runs", "complete", &run, "--result", "{\"a\": [1,"])
        .token(&dev.token)
        .run()
        .code(2);
}
