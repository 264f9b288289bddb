//! A strict JSON tree for the WHO documents: members kept in document order, a duplicate
//! member name refuses the document (JSON-LD would keep one of the two values, and which one the
//! signer hashed is not ours to guess), strings borrowed from the input where they have no
//! escapes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A JSON value. Numbers and literals are kept only as what they are: nothing in the document
/// shape is one, so their values are never needed.
#[derive(Debug, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool,
    Number,
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl Json<'_> {
    /// What kind of value this is, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::String(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object(_) => "an object",
        }
    }
}

/// Parses `bytes` as one JSON value (serde_json's syntax and nesting limit), refusing duplicate
/// member names. The error is a short description without document content.
pub(crate) fn parse(bytes: &[u8]) -> Result<Json<'_>, String> {
    serde_json::from_slice(bytes).map_err(|e| describe(&e))
}

fn describe(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data if error.to_string().starts_with(DUPLICATE_MEMBER) => {
            format!(
                "{} at line {} column {}",
                DUPLICATE_MEMBER,
                error.line(),
                error.column()
            )
        }
        _ => format!(
            "not JSON (syntax error at line {} column {})",
            error.line(),
            error.column()
        ),
    }
}

const DUPLICATE_MEMBER: &str = "duplicate member name";

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Json::Number)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Json::Number)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Json::Number)
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        while let Some(Name(name)) = map.next_key()? {
            let value = map.next_value()?;
            members.push((name, value));
        }
        // Objects of the document shape have at most 8 members; a hash set only for the rest.
        let duplicate = if members.len() <= 16 {
            members
                .iter()
                .enumerate()
                .any(|(i, (name, _))| members.iter().skip(i + 1).any(|(other, _)| other == name))
        } else {
            let mut seen = HashSet::new();
            !members.iter().all(|(name, _)| seen.insert(name.as_ref()))
        };
        if duplicate {
            return Err(de::Error::custom(DUPLICATE_MEMBER));
        }
        Ok(Json::Object(members))
    }
}

/// A member name, borrowed from the input unless it has escapes (serde's own `Cow` always
/// copies).
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_str(JsonVisitor)? {
            Json::String(text) => Ok(Name(text)),
            _ => Err(de::Error::custom("member name is not a string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_members_in_order_and_borrows_plain_strings() {
        let value = parse(br#"{"b":"x","a":["y\n",1,true,null]}"#).unwrap();
        let Json::Object(members) = value else {
            panic!("not an object")
        };
        assert_eq!(members[0].0, "b");
        assert!(matches!(members[0].1, Json::String(Cow::Borrowed("x"))));
        assert_eq!(
            members[1].1,
            Json::Array(vec![
                Json::String(Cow::Owned("y\n".into())),
                Json::Number,
                Json::Bool,
                Json::Null
            ])
        );
    }

    #[test]
    fn refuses_duplicate_members_at_any_depth_and_in_any_spelling() {
        for text in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"x":[{"k":"v","k":"v"}]}"#,
        ] {
            let error = parse(text.as_bytes()).unwrap_err();
            assert!(error.starts_with(DUPLICATE_MEMBER), "{text}: {error}");
        }
        let many: String = (0..40).map(|i| format!("\"m{i}\":0,")).collect();
        let error = parse(format!("{{{many}\"m7\":1}}").as_bytes()).unwrap_err();
        assert!(error.starts_with(DUPLICATE_MEMBER), "{error}");
        assert!(parse(format!("{{{many}\"last\":1}}").as_bytes()).is_ok());
    }

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(
            parse(b"{\"a\":").unwrap_err(),
            "not JSON (syntax error at line 1 column 5)"
        );
    }
}
