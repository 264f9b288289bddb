//! Reading value sets from the JSON forms the EU publishes them in.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ValueSet, ValueSetError, ValueSets};

pub(super) fn value_sets(value: &Value) -> Result<ValueSets, ValueSetError> {
    let mut sets = BTreeMap::new();
    match value {
        Value::Array(documents) => {
            for document in documents {
                let (id, set) = document_of(document)?;
                sets.insert(id, set);
            }
        }
        Value::Object(object) if object.contains_key("valueSetId") => {
            let (id, set) = document_of(value)?;
            sets.insert(id, set);
        }
        Value::Object(by_id) => {
            for (id, entry) in by_id {
                let (id, set) = match entry {
                    Value::Array(codes) => (id.clone(), compressed(codes)?),
                    document => document_of(document)?,
                };
                sets.insert(id, set);
            }
        }
        _ => {
            return Err(ValueSetError::Shape(
                "top level is neither an object nor an array",
            ))
        }
    }
    Ok(ValueSets {
        sets,
        external: Default::default(),
    })
}

/// `{"valueSetId": id, "valueSetValues": {code: {"display": name, ...}}, ...}`.
fn document_of(document: &Value) -> Result<(String, ValueSet), ValueSetError> {
    let id = document
        .get("valueSetId")
        .and_then(Value::as_str)
        .ok_or(ValueSetError::Shape(
            "a document has no string `valueSetId`",
        ))?;
    let values = document
        .get("valueSetValues")
        .and_then(Value::as_object)
        .ok_or(ValueSetError::Shape(
            "a document has no object `valueSetValues`",
        ))?;
    Ok((
        id.to_owned(),
        ValueSet {
            codes: codes_of(values)?,
        },
    ))
}

// Maps are filled by `insert`, not `collect`: collecting into a `BTreeMap` sorts first, and each
// element type would bring its own copy of the sort (about 5 KB each in the binary).
fn codes_of(
    values: &Map<String, Value>,
) -> Result<BTreeMap<String, Option<String>>, ValueSetError> {
    let mut codes = BTreeMap::new();
    for (code, entry) in values {
        let entry = entry.as_object().ok_or(ValueSetError::Shape(
            "a `valueSetValues` entry is not an object",
        ))?;
        let display = entry
            .get("display")
            .and_then(Value::as_str)
            .map(str::to_owned);
        codes.insert(code.clone(), display);
    }
    Ok(codes)
}

/// `[code, ...]`, the form of `external.valueSets`.
fn compressed(codes: &[Value]) -> Result<ValueSet, ValueSetError> {
    let mut set = ValueSet::default();
    for code in codes {
        let code = code.as_str().ok_or(ValueSetError::Shape(
            "a compressed value set holds a non-string code",
        ))?;
        set.codes.insert(code.to_owned(), None);
    }
    Ok(set)
}
