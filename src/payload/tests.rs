use super::*;
use serde_json::json;

/// Encodes JSON as CBOR the way issuers do (text keys, integers, arrays, maps).
fn cbor_of(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => Value::Float(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(cbor_of).collect()),
        serde_json::Value::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| (Value::Text(k.clone()), cbor_of(v)))
                .collect(),
        ),
    }
}

fn vaccination() -> serde_json::Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Minh Khai", "gnt": "THI<MINH<KHAI"},
        "dob": "1985-03-12",
        "v": [{
            "tg": "840539006", "vp": "J07BX03", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
            "dn": 2, "sd": 2, "dt": "2026-02-10", "co": "VN",
            "is": "Ministry of Health of Viet Nam", "ci": "URN:UVCI:01:VN:ABC123#X"
        }]
    })
}

#[test]
fn decodes_a_vaccination_and_gives_it_back_as_json() {
    let json = vaccination();
    let dcc = Dcc::from_cbor(cbor_of(&json)).unwrap();
    assert_eq!(dcc.version, "1.3.0");
    assert_eq!(dcc.name.family_name.as_deref(), Some("Nguyễn"));
    assert_eq!(
        dcc.name.given_name_standardised.as_deref(),
        Some("THI<MINH<KHAI")
    );
    assert_eq!(
        dcc.date_of_birth.date(),
        Some(PartialDate::Date(1985, 3, 12))
    );
    assert_eq!(dcc.certificate_type(), CertificateType::Vaccination);
    let Entries::Vaccination(v) = &dcc.entries else {
        panic!("not a vaccination")
    };
    assert_eq!((v[0].dose_number, v[0].total_doses), (2, 2));
    assert_eq!(dcc.to_json(), json);
}

#[test]
fn decodes_tests_and_recoveries_with_their_optional_fields() {
    let test = json!({
        "ver": "1.0.0", "nam": {"fnt": "TRAN"}, "dob": "1990-07",
        "t": [{"tg": "840539006", "tt": "LP217198-3", "ma": "1232", "sc": "2026-03-01T08:30:00Z",
               "dr": "2026-03-01T09:00:00Z", "tr": "260415000", "tc": "Centre", "co": "VN",
               "is": "MoH", "ci": "URN:UVCI:01:VN:T1"}]
    });
    let dcc = Dcc::from_cbor(cbor_of(&test)).unwrap();
    assert_eq!(dcc.certificate_type(), CertificateType::Test);
    assert_eq!(
        dcc.date_of_birth.date(),
        Some(PartialDate::YearMonth(1990, 7))
    );
    assert_eq!(dcc.to_json(), test);

    let recovery = json!({
        "ver": "1.3.0", "nam": {"fnt": "LE", "gnt": "HOA"}, "dob": "",
        "r": [{"tg": "840539006", "fr": "2026-01-01", "co": "VN", "is": "MoH",
               "df": "2026-01-12", "du": "2026-06-30", "ci": "URN:UVCI:01:VN:R1"}]
    });
    let dcc = Dcc::from_cbor(cbor_of(&recovery)).unwrap();
    assert_eq!(dcc.certificate_type(), CertificateType::Recovery);
    assert!(dcc.date_of_birth.is_unknown());
    assert_eq!(dcc.to_json(), recovery);
}

#[test]
fn keeps_unknown_fields_at_every_level() {
    let mut json = vaccination();
    json["meta"] = json!({"source": "newer issuer", "n": [1, 2.5, null, true]});
    json["nam"]["x"] = json!("extra name part");
    json["v"][0]["vx"] = json!(42);
    let dcc = Dcc::from_cbor(cbor_of(&json)).unwrap();
    assert_eq!(dcc.extra.keys().collect::<Vec<_>>(), ["meta"]);
    assert_eq!(dcc.to_json(), json);
}

#[test]
fn tolerates_tagged_dates_and_null_groups() {
    let mut value = cbor_of(&vaccination());
    let Value::Map(entries) = &mut value else {
        unreachable!()
    };
    entries.push(("t".into(), Value::Null));
    entries.push(("r".into(), Value::Null));
    let Some((_, Value::Array(v))) = entries.iter_mut().find(|(k, _)| k.as_text() == Some("v"))
    else {
        unreachable!()
    };
    let Value::Map(entry) = &mut v[0] else {
        unreachable!()
    };
    for (k, val) in entry.iter_mut() {
        if k.as_text() == Some("dt") {
            *val = Value::Tag(0, Box::new(Value::Text("2021-06-01T10:00:00Z".into())));
        }
    }
    let dcc = Dcc::from_cbor(value).unwrap();
    let Entries::Vaccination(v) = &dcc.entries else {
        panic!()
    };
    assert_eq!(v[0].date, "2021-06-01T10:00:00Z");
}

#[test]
fn several_entries_in_one_group_are_fine() {
    let mut json = vaccination();
    let second = json["v"][0].clone();
    json["v"].as_array_mut().unwrap().push(second);
    let dcc = Dcc::from_cbor(cbor_of(&json)).unwrap();
    assert!(matches!(&dcc.entries, Entries::Vaccination(v) if v.len() == 2));
}

#[test]
fn rejects_payloads_that_are_not_one_certificate() {
    let mut both = vaccination();
    both["r"] = json!([{"tg": "840539006", "fr": "2026-01-01", "co": "VN", "is": "MoH",
                        "df": "2026-01-12", "du": "2026-06-30", "ci": "x"}]);
    assert_eq!(
        Dcc::from_cbor(cbor_of(&both)),
        Err(PayloadError::SeveralTypes)
    );

    let mut none = vaccination();
    none.as_object_mut().unwrap().remove("v");
    assert_eq!(Dcc::from_cbor(cbor_of(&none)), Err(PayloadError::NoEntry));

    let mut empty = vaccination();
    empty["v"] = json!([]);
    assert_eq!(Dcc::from_cbor(cbor_of(&empty)), Err(PayloadError::NoEntry));
}

#[test]
fn rejects_missing_and_mistyped_fields_naming_the_field_only() {
    let mut no_ci = vaccination();
    no_ci["v"][0].as_object_mut().unwrap().remove("ci");
    assert_eq!(
        Dcc::from_cbor(cbor_of(&no_ci)),
        Err(PayloadError::MissingField("v[].ci"))
    );

    let mut text_dose = vaccination();
    text_dose["v"][0]["dn"] = json!("2");
    assert_eq!(
        Dcc::from_cbor(cbor_of(&text_dose)),
        Err(PayloadError::WrongType("v[].dn"))
    );

    let mut negative = vaccination();
    negative["v"][0]["sd"] = json!(-1);
    assert_eq!(
        Dcc::from_cbor(cbor_of(&negative)),
        Err(PayloadError::WrongType("v[].sd"))
    );

    let mut name = vaccination();
    name["nam"]["fn"] = json!(7);
    let err = Dcc::from_cbor(cbor_of(&name)).unwrap_err();
    assert_eq!(err, PayloadError::WrongType("nam.fn"));

    assert_eq!(
        Dcc::from_cbor(Value::Array(vec![])),
        Err(PayloadError::WrongType("DCC"))
    );
    let int_keys = Value::Map(vec![(1.into(), 2.into())]);
    assert_eq!(
        Dcc::from_cbor(int_keys),
        Err(PayloadError::WrongType("DCC"))
    );
}

#[test]
fn rejects_duplicate_keys() {
    let mut value = cbor_of(&vaccination());
    let Value::Map(entries) = &mut value else {
        unreachable!()
    };
    entries.push(("dob".into(), "1999-01-01".into()));
    assert_eq!(
        Dcc::from_cbor(value),
        Err(PayloadError::Cbor(CborError::DuplicateKey))
    );
}

#[test]
fn debug_output_carries_no_personal_data() {
    let mut json = vaccination();
    json["secret"] = json!("private-extra-value");
    let dcc = Dcc::from_cbor(cbor_of(&json)).unwrap();
    let shown = format!("{dcc:?} {dcc:#?}");
    for personal in [
        "Nguyễn",
        "NGUYEN",
        "Khai",
        "KHAI",
        "1985",
        "URN:UVCI",
        "private-extra-value",
    ] {
        assert!(!shown.contains(personal), "{personal} in {shown}");
    }
    assert!(
        shown.contains("J07BX03"),
        "non-personal fields stay visible: {shown}"
    );
}

/// Found by fuzzing: map keys that are maps, nested to the depth limit, once made the JSON of
/// the unknown fields double in size at every level (each level escaped the one below).
#[test]
fn nested_non_text_keys_in_unknown_fields_stay_small() {
    let mut key = Value::Map(vec![(Value::Text("\"q\"".into()), Value::Null)]);
    for _ in 0..30 {
        key = Value::Map(vec![(key, Value::Null)]);
    }
    let mut value = cbor_of(&vaccination());
    let Value::Map(entries) = &mut value else {
        unreachable!()
    };
    entries.push((
        "extension".into(),
        Value::Map(vec![(key, 1.into()), (7.into(), 2.into())]),
    ));
    let json = Dcc::from_cbor(value).unwrap().to_json().to_string();
    assert!(json.len() < 2_000, "{} bytes", json.len());
    assert!(json.contains("\"7\":2"), "{json}");
    assert!(json.contains("\"cbor:a1"), "{json}");
}
