//! The payload as JSON: the form the DCC schema, CertLogic rules and apps work with.

use base64::Engine;
use ciborium::Value;
use serde_json::{Map, Value as Json};

use super::{Dcc, Entries, Extra, PersonName, Recovery, Test, Vaccination};

/// Converts a CBOR value of the payload to JSON. Tagged dates become their text; byte strings
/// (which the DCC never uses) become base64 text.
pub(super) fn from_cbor(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Integer(i) => {
            let i = i128::from(*i);
            i64::try_from(i)
                .map(Json::from)
                .or_else(|_| u64::try_from(i).map(Json::from))
                .unwrap_or_else(|_| Json::from(i as f64))
        }
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Text(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::Array(items) => Json::Array(items.iter().map(from_cbor).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (object_key(k), from_cbor(v)))
                .collect(),
        ),
        Value::Tag(_, inner) => from_cbor(inner),
        _ => Json::Null,
    }
}

/// A JSON object key for a CBOR map key. JSON keys are text; the DCC's are too. Others (only in
/// fields this model does not know) get a flat form: integers in decimal, anything else as
/// `cbor:` and the hex of its encoding. Never the key's JSON text: a map key holding a map key
/// holding a map key... would be escaped again at every level, doubling its size each time.
fn object_key(key: &Value) -> String {
    match key {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i128::from(*i).to_string(),
        other => {
            let mut encoded = Vec::new();
            // Writing to a Vec cannot fail; an error would only leave the key shorter.
            let _ = ciborium::ser::into_writer(other, &mut encoded);
            let hex: String = encoded.iter().map(|b| format!("{b:02x}")).collect();
            format!("cbor:{hex}")
        }
    }
}

impl Dcc {
    /// The payload as JSON, with the field names of the DCC schema and every unknown field.
    pub fn to_json(&self) -> Json {
        let mut obj = object(&self.extra);
        obj.insert("ver".into(), self.version.clone().into());
        obj.insert("nam".into(), self.name.to_json());
        obj.insert("dob".into(), self.date_of_birth.as_str().into());
        let (key, list) = match &self.entries {
            Entries::Vaccination(v) => ("v", v.iter().map(Vaccination::to_json).collect()),
            Entries::Test(t) => ("t", t.iter().map(Test::to_json).collect()),
            Entries::Recovery(r) => ("r", r.iter().map(Recovery::to_json).collect()),
        };
        obj.insert(key.into(), Json::Array(list));
        Json::Object(obj)
    }
}

impl PersonName {
    fn to_json(&self) -> Json {
        let mut obj = object(&self.extra);
        insert_some(&mut obj, "fn", &self.family_name);
        insert_some(&mut obj, "fnt", &self.family_name_standardised);
        insert_some(&mut obj, "gn", &self.given_name);
        insert_some(&mut obj, "gnt", &self.given_name_standardised);
        Json::Object(obj)
    }
}

impl Vaccination {
    fn to_json(&self) -> Json {
        let mut obj = object(&self.extra);
        obj.insert("tg".into(), self.target_disease.clone().into());
        obj.insert("vp".into(), self.vaccine.clone().into());
        obj.insert("mp".into(), self.medicinal_product.clone().into());
        obj.insert("ma".into(), self.manufacturer.clone().into());
        obj.insert("dn".into(), self.dose_number.into());
        obj.insert("sd".into(), self.total_doses.into());
        obj.insert("dt".into(), self.date.clone().into());
        obj.insert("co".into(), self.country.clone().into());
        obj.insert("is".into(), self.issuer.clone().into());
        obj.insert("ci".into(), self.certificate_id.clone().into());
        Json::Object(obj)
    }
}

impl Test {
    fn to_json(&self) -> Json {
        let mut obj = object(&self.extra);
        obj.insert("tg".into(), self.target_disease.clone().into());
        obj.insert("tt".into(), self.test_type.clone().into());
        insert_some(&mut obj, "nm", &self.test_name);
        insert_some(&mut obj, "ma", &self.test_device);
        obj.insert("sc".into(), self.sample_collected.clone().into());
        insert_some(&mut obj, "dr", &self.result_date);
        obj.insert("tr".into(), self.result.clone().into());
        insert_some(&mut obj, "tc", &self.testing_centre);
        obj.insert("co".into(), self.country.clone().into());
        obj.insert("is".into(), self.issuer.clone().into());
        obj.insert("ci".into(), self.certificate_id.clone().into());
        Json::Object(obj)
    }
}

impl Recovery {
    fn to_json(&self) -> Json {
        let mut obj = object(&self.extra);
        obj.insert("tg".into(), self.target_disease.clone().into());
        obj.insert("fr".into(), self.first_positive_test.clone().into());
        obj.insert("co".into(), self.country.clone().into());
        obj.insert("is".into(), self.issuer.clone().into());
        obj.insert("df".into(), self.valid_from.clone().into());
        obj.insert("du".into(), self.valid_until.clone().into());
        obj.insert("ci".into(), self.certificate_id.clone().into());
        Json::Object(obj)
    }
}

pub(super) fn object(extra: &Extra) -> Map<String, Json> {
    extra.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn insert_some(obj: &mut Map<String, Json>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        obj.insert(key.into(), value.clone().into());
    }
}
