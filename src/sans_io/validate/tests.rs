//! Host tests of the argument and condition checks.

use super::*;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn protocols_accepted() {
    let long = "x".repeat(1000);
    let cases: &[&[&str]] = &[
        &[],
        &["chat"],
        &["chat", "superchat"],
        &["v1.json", "soap", "mqtt"],
        &["!#$%&'*+-.^_`|~"],
        &["A1", "a2"],
        &[long.as_str()],
    ];
    for case in cases {
        for q in [Quirks::Spec, Quirks::Chromium] {
            assert_eq!(validate_protocols(&strings(case), q), Ok(()), "{case:?}");
        }
    }
}

#[test]
fn protocols_invalid() {
    let cases: &[(&[&str], &str)] = &[
        (&[""], "The subprotocol '' is invalid."),
        (&["x y"], "The subprotocol 'x y' is invalid."),
        (&["/echo"], "The subprotocol '/echo' is invalid."),
        (&["a,b"], "The subprotocol 'a,b' is invalid."),
        (&["a\tb"], "The subprotocol 'a\\u0009b' is invalid."),
        (&["é"], "The subprotocol '\\u00E9' is invalid."),
        (&["😀"], "The subprotocol '\\uD83D\\uDE00' is invalid."),
        (&["a\\b"], "The subprotocol 'a\\\\b' is invalid."),
        (&["ok", "x;y"], "The subprotocol 'x;y' is invalid."),
        (&["{}"], "The subprotocol '{}' is invalid."),
        (&["\"q\""], "The subprotocol '\"q\"' is invalid."),
        // validity is checked before duplicates, like Chromium
        (&["a", "a", "b c"], "The subprotocol 'b c' is invalid."),
    ];
    for (case, msg) in cases {
        for q in [Quirks::Spec, Quirks::Chromium] {
            let err = validate_protocols(&strings(case), q);
            assert_eq!(err, Err(DomError::Syntax(msg.to_string())), "{case:?}");
        }
    }
    // Every separator and control character is refused, every tchar accepted.
    for b in 0u8..=0x7F {
        let c = char::from(b);
        let ok = validate_protocols(&[c.to_string()], Quirks::Spec).is_ok();
        let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        assert_eq!(ok, tchar, "{b:#x}");
    }
}

#[test]
fn protocols_duplicated() {
    let dup = |p: &str| {
        Err(DomError::Syntax(format!(
            "The subprotocol '{p}' is duplicated."
        )))
    };
    let cases: &[(&[&str], Quirks, Result<(), DomError>)] = &[
        (&["a", "a"], Quirks::Spec, dup("a")),
        (&["a", "a"], Quirks::Chromium, dup("a")),
        (&["a", "b", "a"], Quirks::Spec, dup("a")),
        (&["a", "A"], Quirks::Spec, dup("A")),
        (&["a", "A"], Quirks::Chromium, Ok(())),
        (&["a", "A"], Quirks::Firefox, Ok(())),
        (&["a", "a"], Quirks::Firefox, dup("a")),
        (&["Chat", "x", "cHaT"], Quirks::Spec, dup("cHaT")),
        (&["Chat", "x", "cHaT"], Quirks::Chromium, Ok(())),
    ];
    for (case, q, want) in cases {
        assert_eq!(
            &validate_protocols(&strings(case), *q),
            want,
            "{case:?} {q:?}"
        );
    }
}

#[test]
fn close_code_clamping() {
    let cases: &[(f64, u16, u16)] = &[
        // value, Spec, Chromium
        (1000.0, 1000, 1000),
        (3000.4, 3000, 3000),
        (3000.5, 3000, 3000),
        (3001.5, 3002, 3001),
        (3000.6, 3001, 3000),
        (4999.9, 5000, 4999),
        (0.5, 0, 0),
        (1.5, 2, 1),
        (-0.0, 0, 0),
        (-1.0, 0, 0),
        (-0.7, 0, 0),
        (65535.0, 65535, 65535),
        (65535.4, 65535, 65535),
        (65536.0, 65535, 65535),
        (1e300, 65535, 65535),
        (f64::INFINITY, 65535, 65535),
        (f64::NEG_INFINITY, 0, 0),
        (f64::NAN, 0, 0),
    ];
    for &(v, spec, chromium) in cases {
        assert_eq!(clamp_close_code(v, Quirks::Spec), spec, "{v} spec");
        assert_eq!(
            clamp_close_code(v, Quirks::Chromium),
            chromium,
            "{v} chromium"
        );
    }
}

#[test]
fn validate_close_cases() {
    let neither = |c: u16| {
        Err(DomError::InvalidAccess(format!(
            "The close code must be either 1000, or between 3000 and 4999. {c} is neither."
        )))
    };
    let too_long = Err(DomError::Syntax(
        "The close reason must not be greater than 123 UTF-8 bytes.".into(),
    ));
    let r123 = "x".repeat(123);
    let r124 = "x".repeat(124);
    // 41 three-byte characters = 123 bytes; one more ASCII byte is too many.
    let euro123 = "€".repeat(41);
    let euro124 = format!("{euro123}x");
    type Case<'a> = (Option<u16>, Option<&'a str>, Result<(), DomError>);
    let cases: Vec<Case> = vec![
        (None, None, Ok(())),
        (Some(1000), None, Ok(())),
        (Some(3000), None, Ok(())),
        (Some(4999), Some("bye"), Ok(())),
        (None, Some(""), Ok(())),
        (None, Some(&r123), Ok(())),
        (Some(1000), Some(&euro123), Ok(())),
        (Some(0), None, neither(0)),
        (Some(999), None, neither(999)),
        (Some(1001), None, neither(1001)),
        (Some(1005), None, neither(1005)),
        (Some(2999), None, neither(2999)),
        (Some(5000), None, neither(5000)),
        (Some(65535), None, neither(65535)),
        (None, Some(&r124), too_long.clone()),
        (Some(1000), Some(&euro124), too_long.clone()),
        // the code is checked first
        (Some(2999), Some(&r124), neither(2999)),
    ];
    for (code, reason, want) in cases {
        assert_eq!(validate_close(code, reason), want, "{code:?} {reason:?}");
    }
}

#[test]
fn close_arguments_convert_as_the_host_binding_does() {
    let neither = |c: u16| {
        Err(DomError::InvalidAccess(format!(
            "The close code must be either 1000, or between 3000 and 4999. {c} is neither."
        )))
    };
    let bye = || Some("bye".to_string());
    for quirks in [Quirks::Chromium, Quirks::Firefox] {
        assert_eq!(close_arguments(None, None, quirks), Ok((None, None)));
        assert_eq!(
            close_arguments(Some(1000.0), bye(), quirks),
            Ok((Some(1000), bye()))
        );
        assert_eq!(
            close_arguments(Some(4000.0), None, quirks),
            Ok((Some(4000), None))
        );
        assert_eq!(close_arguments(Some(999.0), None, quirks), neither(999));
    }
    // Chromium reads `close(undefined, reason)` as code 0; Firefox as no code.
    assert_eq!(close_arguments(None, bye(), Quirks::Chromium), neither(0));
    assert_eq!(
        close_arguments(None, bye(), Quirks::Firefox),
        Ok((None, bye()))
    );
    // Fractions: Chromium truncates, Firefox rounds.
    assert_eq!(
        close_arguments(Some(3000.7), None, Quirks::Chromium),
        Ok((Some(3000), None))
    );
    assert_eq!(
        close_arguments(Some(3000.7), None, Quirks::Firefox),
        Ok((Some(3001), None))
    );
    let long = "x".repeat(124);
    assert!(matches!(
        close_arguments(Some(1000.0), Some(long), Quirks::Firefox),
        Err(DomError::Syntax(_))
    ));
}

#[test]
fn route_close_code_takes_whole_numbers_in_range() {
    for (value, want) in [
        (1000.0, Some(1000)),
        (1006.0, Some(1006)),
        (4999.0, Some(4999)),
        (1000.5, None),
        (999.0, None),
        (5000.0, None),
        (0.0, None),
        (-1000.0, None),
        (66536.0, None),
        (1e300, None),
        (f64::NAN, None),
        (f64::INFINITY, None),
        (f64::NEG_INFINITY, None),
    ] {
        assert_eq!(route_close_code(value), want, "{value}");
    }
}

#[test]
fn route_close_codes() {
    for (code, ok) in [
        (0, false),
        (999, false),
        (1000, true),
        (1001, true),
        (1004, true),
        (1005, true),
        (1006, true),
        (1011, true),
        (1015, true),
        (2999, true),
        (4999, true),
        (5000, false),
        (65535, false),
    ] {
        assert_eq!(route_close_code_ok(code), ok, "{code}");
    }
}

#[test]
fn utf8_lengths() {
    let cases: &[(&[u16], u64)] = &[
        (&[], 0),
        (&[0x41], 1),
        (&[0x7F], 1),
        (&[0x80], 2),
        (&[0x7FF], 2),
        (&[0x800], 3),
        (&[0xFFFF], 3),
        (&[0xFFFD], 3),
        (&[0xD83D, 0xDE00], 4),         // 😀
        (&[0xD800], 3),                 // lone high
        (&[0xDC00], 3),                 // lone low
        (&[0xDC00, 0xD800], 6),         // reversed pair: two lone surrogates
        (&[0xD800, 0xD800, 0xDC00], 7), // lone high, then a pair
        (&[0xD800, 0x41], 4),           // lone high, then ASCII
        (&[0xD807], 3),                 // WPT Close-reason-unpaired-surrogates
    ];
    for (units, want) in cases {
        assert_eq!(
            utf8_len_of_utf16(units.iter().copied()),
            *want,
            "{units:x?}"
        );
    }
    // Agrees with Rust's own UTF-8 for valid strings.
    for s in [
        "",
        "hello",
        "héllo wörld",
        "日本語",
        "a😀b€c",
        &"€".repeat(41),
    ] {
        assert_eq!(utf8_len_of_utf16(s.encode_utf16()), s.len() as u64, "{s}");
    }
    // And with the lossy conversion for invalid ones.
    let units = [0x61, 0xD800, 0x62, 0xDFFF, 0xD83D, 0xDE00, 0xDBFF];
    let lossy = String::from_utf16_lossy(&units);
    assert_eq!(utf8_len_of_utf16(units.iter().copied()), lossy.len() as u64);
}

#[test]
fn dom_error_names_and_codes() {
    let cases = [
        (DomError::Syntax("s".into()), "SyntaxError", 12, "s"),
        (
            DomError::InvalidAccess("a".into()),
            "InvalidAccessError",
            15,
            "a",
        ),
        (
            DomError::InvalidState("t".into()),
            "InvalidStateError",
            11,
            "t",
        ),
    ];
    for (e, name, code, msg) in cases {
        assert_eq!(
            (e.name(), e.code(), e.to_string()),
            (name, code, msg.into())
        );
    }
    let from_url: DomError = UrlError::Invalid("x".into()).into();
    assert_eq!(from_url, DomError::Syntax("The URL 'x' is invalid.".into()));
}

/// The example that documented `DomError`.
#[test]
fn example_dom_error() {
    use crate::sans_io::validate::DomError;
    let e = DomError::InvalidAccess("The close code must be ...".into());
    assert_eq!((e.name(), e.code()), ("InvalidAccessError", 15));
}

/// The example that documented `validate_protocols`.
#[test]
fn example_validate_protocols() {
    use crate::sans_io::validate::{Quirks, validate_protocols};
    let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(validate_protocols(&p(&["chat", "v2.json"]), Quirks::Spec).is_ok());
    let err = validate_protocols(&p(&["x y"]), Quirks::Spec).unwrap_err();
    assert_eq!(err.to_string(), "The subprotocol 'x y' is invalid.");
    assert!(validate_protocols(&p(&["a", "A"]), Quirks::Spec).is_err());
    assert!(validate_protocols(&p(&["a", "A"]), Quirks::Chromium).is_ok());
}

/// The example that documented `clamp_close_code`.
#[test]
fn example_clamp_close_code() {
    use crate::sans_io::validate::{Quirks, clamp_close_code};
    assert_eq!(clamp_close_code(3001.5, Quirks::Spec), 3002);
    assert_eq!(clamp_close_code(3001.5, Quirks::Chromium), 3001);
    assert_eq!(clamp_close_code(f64::NAN, Quirks::Spec), 0);
    assert_eq!(clamp_close_code(1e9, Quirks::Spec), 65535);
}

/// The example that documented `validate_close`.
#[test]
fn example_validate_close() {
    use crate::sans_io::validate::validate_close;
    assert!(validate_close(Some(1000), Some("bye")).is_ok());
    assert!(validate_close(None, None).is_ok());
    let err = validate_close(Some(1001), None).unwrap_err();
    assert_eq!(err.name(), "InvalidAccessError");
    assert_eq!(
        err.to_string(),
        "The close code must be either 1000, or between 3000 and 4999. 1001 is neither."
    );
}

/// The example that documented `route_close_code_ok`.
#[test]
fn example_route_close_code_ok() {
    use crate::sans_io::validate::route_close_code_ok;
    assert!(route_close_code_ok(1008));
    assert!(route_close_code_ok(1006));
    assert!(!route_close_code_ok(999));
    assert!(!route_close_code_ok(5000));
}

/// The example that documented `utf8_len_of_utf16`.
#[test]
fn example_utf8_len_of_utf16() {
    use crate::sans_io::validate::utf8_len_of_utf16;
    assert_eq!(utf8_len_of_utf16("h€😀".encode_utf16()), 1 + 3 + 4);
    assert_eq!(utf8_len_of_utf16([0xD800u16].into_iter()), 3);
}

#[test]
fn network_conditions_name_the_bad_field() {
    assert_eq!(latency(0.0), Ok(0.0));
    assert_eq!(latency(250.5), Ok(250.5));
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = latency(bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "latency must be a number of milliseconds >= 0"
        );
    }
    assert_eq!(throughput("uploadThroughput", 0.0), Ok(None));
    assert_eq!(throughput("uploadThroughput", -1.0), Ok(None));
    assert_eq!(throughput("uploadThroughput", 1500.0), Ok(Some(1500.0)));
    for bad in [-2.0, -0.5, f64::NAN, f64::INFINITY] {
        let e = throughput("downloadThroughput", bad).unwrap_err();
        assert_eq!(e.field, "downloadThroughput");
        assert!(e.to_string().starts_with("downloadThroughput must be"));
    }
}
