//! The values an evaluation produces: borrowed views into the data and the expression wherever
//! possible, so evaluating a rule allocates nothing on its usual paths.

use std::fmt;
use std::rc::Rc;

use super::{DateTime, EvalError};

/// How deep equality (`===`, `in`) follows nested arrays and objects before giving up.
const MAX_COMPARE_DEPTH: usize = 128;

/// The result of evaluating a CertLogic expression, or a value inside the data context.
///
/// It borrows from the compiled expression and the data (lifetime `'a`). `Debug` shows the kind
/// of value only: values come from certificates and may be personal data.
#[derive(Clone)]
pub struct Value<'a>(pub(super) Repr<'a>);

#[derive(Clone)]
pub(super) enum Repr<'a> {
    Null,
    Bool(bool),
    /// An integer; JSON numbers with an integral value count as integers (JavaScript has one
    /// number type).
    Int(i64),
    Str(&'a str),
    DateTime(DateTime),
    /// A JSON array or object, or a non-integral number, borrowed from the data or from a
    /// constant in the expression.
    Json(&'a serde_json::Value),
    /// An array built by evaluating an array expression.
    List(Rc<[Value<'a>]>),
    /// An object assembled by the caller, e.g. `{payload, external}` over borrowed parts.
    Record(Rc<[(&'a str, Value<'a>)]>),
}

/// Whether a value is truthy, falsy, or neither (spec, "Truthy and falsy values").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truthiness {
    /// Counts as true.
    Truthy,
    /// Counts as false.
    Falsy,
    /// Neither (CertLogic leaves it undefined).
    Neither,
}

impl<'a> Value<'a> {
    /// The JSON null.
    pub const NULL: Value<'static> = Value(Repr::Null);

    /// A view of a JSON value as a CertLogic value, without copying it.
    pub fn from_json(json: &'a serde_json::Value) -> Value<'a> {
        Value(match json {
            serde_json::Value::Null => Repr::Null,
            serde_json::Value::Bool(b) => Repr::Bool(*b),
            serde_json::Value::Number(number) => {
                integer(number).map_or(Repr::Json(json), Repr::Int)
            }
            serde_json::Value::String(s) => Repr::Str(s),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => Repr::Json(json),
        })
    }

    /// A string value.
    pub fn string(s: &'a str) -> Value<'a> {
        Value(Repr::Str(s))
    }

    /// A date-time value.
    pub fn date_time(instant: DateTime) -> Value<'a> {
        Value(Repr::DateTime(instant))
    }

    /// An object of the given fields, for building a data context out of borrowed parts.
    pub fn record(fields: impl IntoIterator<Item = (&'a str, Value<'a>)>) -> Value<'a> {
        Value(Repr::Record(fields.into_iter().collect()))
    }

    pub(super) fn list(items: Vec<Value<'a>>) -> Value<'a> {
        Value(Repr::List(items.into()))
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self.0, Repr::Null)
    }

    /// `Some(b)` only for the booleans `true` and `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.0 {
            Repr::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self.0 {
            Repr::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match self.0 {
            Repr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The date-time, if this is one.
    pub fn as_date_time(&self) -> Option<DateTime> {
        match self.0 {
            Repr::DateTime(instant) => Some(instant),
            _ => None,
        }
    }

    /// CertLogic's narrow truthiness: only `true`, non-empty strings, non-zero integers,
    /// non-empty arrays and non-empty objects are truthy; only `false`, `null`, `""`, `0`, `[]`
    /// and `{}` are falsy. Everything else (date-times, non-integral numbers) is neither.
    pub fn truthiness(&self) -> Truthiness {
        let truthy = match &self.0 {
            Repr::Null => false,
            Repr::Bool(b) => *b,
            Repr::Int(i) => *i != 0,
            Repr::Str(s) => !s.is_empty(),
            Repr::List(items) => !items.is_empty(),
            Repr::Record(fields) => !fields.is_empty(),
            Repr::Json(serde_json::Value::Array(items)) => !items.is_empty(),
            Repr::Json(serde_json::Value::Object(fields)) => !fields.is_empty(),
            Repr::Json(_) | Repr::DateTime(_) => return Truthiness::Neither,
        };
        if truthy {
            Truthiness::Truthy
        } else {
            Truthiness::Falsy
        }
    }

    /// The items, if this is an array.
    pub(super) fn items(&self) -> Option<Items<'_, 'a>> {
        match &self.0 {
            Repr::List(items) => Some(Items::List(items.iter())),
            Repr::Json(serde_json::Value::Array(items)) => Some(Items::Json(items.iter())),
            _ => None,
        }
    }

    /// The array item at `index`; `null` for a missing item or a non-array.
    pub(super) fn item(&self, index: usize) -> Value<'a> {
        match &self.0 {
            Repr::List(items) => items.get(index).cloned().unwrap_or(Value::NULL),
            Repr::Json(serde_json::Value::Array(items)) => {
                items.get(index).map_or(Value::NULL, Value::from_json)
            }
            _ => Value::NULL,
        }
    }

    /// The object field `key`; `null` for a missing field or a non-object.
    pub(super) fn field(&self, key: &str) -> Value<'a> {
        match &self.0 {
            Repr::Record(fields) => fields
                .iter()
                .find(|(name, _)| *name == key)
                .map_or(Value::NULL, |(_, value)| value.clone()),
            Repr::Json(serde_json::Value::Object(fields)) => {
                fields.get(key).map_or(Value::NULL, Value::from_json)
            }
            _ => Value::NULL,
        }
    }

    /// One step of a `var` path: an index into an array, a field of an object, else `null`.
    pub(super) fn child(&self, key: &str, index: Option<usize>) -> Value<'a> {
        match &self.0 {
            Repr::List(_) | Repr::Json(serde_json::Value::Array(_)) => {
                index.map_or(Value::NULL, |index| self.item(index))
            }
            _ => self.field(key),
        }
    }

    fn field_count(&self) -> Option<usize> {
        match &self.0 {
            Repr::Record(fields) => Some(fields.len()),
            Repr::Json(serde_json::Value::Object(fields)) => Some(fields.len()),
            _ => None,
        }
    }

    /// The fields of an object, in no particular order.
    fn fields(&self) -> Vec<(&str, Value<'a>)> {
        match &self.0 {
            Repr::Record(fields) => fields
                .iter()
                .map(|(name, value)| (*name, value.clone()))
                .collect(),
            Repr::Json(serde_json::Value::Object(fields)) => fields
                .iter()
                .map(|(name, value)| (name.as_str(), Value::from_json(value)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The object field `key`, or `None` when the object has no such field (a missing field
    /// and a `null` one differ for equality).
    fn field_entry(&self, key: &str) -> Option<Value<'a>> {
        match &self.0 {
            Repr::Record(fields) => fields
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value.clone()),
            Repr::Json(serde_json::Value::Object(fields)) => fields.get(key).map(Value::from_json),
            _ => None,
        }
    }

    /// Strict equality (`===`, and membership for `in`) without type coercion: by value for
    /// strings, integers, booleans, `null` and date-times, structurally for arrays and objects.
    /// Charged against a fresh [`STEP_BUDGET`](super::STEP_BUDGET); an evaluation charges its
    /// own budget instead.
    pub fn strictly_equals(&self, other: &Value<'_>) -> Result<bool, EvalError> {
        let mut steps = super::STEP_BUDGET;
        self.equals_charged(other, &mut steps)
    }

    /// Strict equality, one step taken from `steps` for every pair of values compared (every
    /// array item and object field): comparing large structures costs what it takes, so a
    /// step budget bounds the time of `===` and `in` as it does every other operation.
    pub(super) fn equals_charged(
        &self,
        other: &Value<'_>,
        steps: &mut u32,
    ) -> Result<bool, EvalError> {
        self.equals_within(other, MAX_COMPARE_DEPTH, steps)
    }

    fn equals_within(
        &self,
        other: &Value<'_>,
        depth: usize,
        steps: &mut u32,
    ) -> Result<bool, EvalError> {
        *steps = steps.checked_sub(1).ok_or(EvalError::TooComplex)?;
        let depth = depth.checked_sub(1).ok_or(EvalError::NestingTooDeep)?;
        Ok(match (&self.0, &other.0) {
            (Repr::Null, Repr::Null) => true,
            (Repr::Bool(a), Repr::Bool(b)) => a == b,
            (Repr::Int(a), Repr::Int(b)) => a == b,
            (Repr::Str(a), Repr::Str(b)) => a == b,
            (Repr::DateTime(a), Repr::DateTime(b)) => a == b,
            (
                Repr::Json(serde_json::Value::Number(a)),
                Repr::Json(serde_json::Value::Number(b)),
            ) => a.as_f64() == b.as_f64(),
            _ => {
                if let (Some(a), Some(b)) = (self.items(), other.items()) {
                    if a.len() != b.len() {
                        return Ok(false);
                    }
                    for (x, y) in a.zip(b) {
                        if !x.equals_within(&y, depth, steps)? {
                            return Ok(false);
                        }
                    }
                    true
                } else if let (Some(a), Some(b)) = (self.field_count(), other.field_count()) {
                    if a != b {
                        return Ok(false);
                    }
                    // Same number of fields: equal when each of ours is theirs, equal in value.
                    for (name, ours) in self.fields() {
                        match other.field_entry(name) {
                            Some(theirs) if ours.equals_within(&theirs, depth, steps)? => {}
                            _ => return Ok(false),
                        }
                    }
                    true
                } else {
                    false
                }
            }
        })
    }

    /// The value as JSON (date-times as ISO 8601 strings, as `JSON.stringify` writes them).
    /// This copies; evaluation itself never needs it.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.0 {
            Repr::Null => serde_json::Value::Null,
            Repr::Bool(b) => serde_json::Value::Bool(*b),
            Repr::Int(i) => serde_json::Value::from(*i),
            Repr::Str(s) => serde_json::Value::from(*s),
            Repr::DateTime(instant) => serde_json::Value::String(instant.to_string()),
            Repr::Json(json) => (*json).clone(),
            Repr::List(items) => items.iter().map(Value::to_json).collect(),
            Repr::Record(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// The integer a JSON number stands for, if it has an integral value.
fn integer(number: &serde_json::Number) -> Option<i64> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        // In range and integral, so the cast is exact.
        (float.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&float)).then_some(float as i64)
    })
}

/// The items of an array value, whichever way it is held.
pub(super) enum Items<'v, 'a> {
    List(std::slice::Iter<'v, Value<'a>>),
    Json(std::slice::Iter<'a, serde_json::Value>),
}

impl<'a> Iterator for Items<'_, 'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        match self {
            Items::List(items) => items.next().cloned(),
            Items::Json(items) => items.next().map(Value::from_json),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::List(items) => items.size_hint(),
            Items::Json(items) => items.size_hint(),
        }
    }
}

impl ExactSizeIterator for Items<'_, '_> {}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Null => f.write_str("null"),
            Repr::Bool(b) => write!(f, "{b}"),
            Repr::Int(_) => f.write_str("<integer>"),
            Repr::Str(_) => f.write_str("<string>"),
            Repr::DateTime(_) => f.write_str("<date-time>"),
            Repr::Json(serde_json::Value::Array(_)) | Repr::List(_) => f.write_str("<array>"),
            Repr::Json(serde_json::Value::Object(_)) | Repr::Record(_) => f.write_str("<object>"),
            Repr::Json(_) => f.write_str("<number>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthiness_follows_the_spec() {
        let falsy = [
            json!(false),
            json!(null),
            json!(""),
            json!(0),
            json!([]),
            json!({}),
        ];
        let truthy = [
            json!(true),
            json!("0"),
            json!(-1),
            json!([0]),
            json!({"a": null}),
        ];
        for value in &falsy {
            assert_eq!(
                Value::from_json(value).truthiness(),
                Truthiness::Falsy,
                "{value}"
            );
        }
        for value in &truthy {
            assert_eq!(
                Value::from_json(value).truthiness(),
                Truthiness::Truthy,
                "{value}"
            );
        }
        assert_eq!(
            Value::from_json(&json!(3.5)).truthiness(),
            Truthiness::Neither
        );
        let instant = DateTime::from_unix_millis(0).map(Value::date_time);
        assert_eq!(instant.map(|v| v.truthiness()), Some(Truthiness::Neither));
    }

    #[test]
    fn integral_numbers_are_integers() {
        assert_eq!(Value::from_json(&json!(2.0)).as_int(), Some(2));
        assert_eq!(Value::from_json(&json!(-7)).as_int(), Some(-7));
        assert_eq!(Value::from_json(&json!(2.5)).as_int(), None);
        assert_eq!(Value::from_json(&json!(1e300)).as_int(), None);
    }

    #[test]
    fn equality_is_strict_and_structural() -> Result<(), EvalError> {
        let eq = |a: serde_json::Value, b: serde_json::Value| {
            Value::from_json(&a).strictly_equals(&Value::from_json(&b))
        };
        assert!(eq(json!(1), json!(1.0))?);
        assert!(!eq(json!(1), json!("1"))?);
        assert!(!eq(json!(0), json!(false))?);
        assert!(!eq(json!(null), json!(false))?);
        assert!(eq(json!([1, "a"]), json!([1, "a"]))?);
        assert!(!eq(json!([1]), json!([1, 1]))?);
        assert!(eq(json!({"a": [null]}), json!({"a": [null]}))?);
        assert!(!eq(json!({"a": null}), json!({"b": null}))?);
        let record = Value::record([("a", Value::NULL)]);
        assert!(record.strictly_equals(&Value::from_json(&json!({"a": null})))?);
        assert!(!record.strictly_equals(&Value::from_json(&json!({"b": null})))?);
        Ok(())
    }

    #[test]
    fn deeply_nested_equality_is_an_error_not_a_crash() {
        let mut deep = json!(1);
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let value = Value::from_json(&deep);
        assert_eq!(
            value.strictly_equals(&value),
            Err(EvalError::NestingTooDeep)
        );
    }

    #[test]
    fn debug_shows_no_content() {
        let data = json!(["Jane", "1990-01-01", 42, {"name": "Jane"}]);
        let shown: Vec<String> = Value::from_json(&data)
            .items()
            .into_iter()
            .flatten()
            .map(|v| format!("{v:?}"))
            .collect();
        assert_eq!(shown, ["<string>", "<string>", "<integer>", "<object>"]);
    }
}
