//! The payload read as JSON without building the JSON: field by field, exactly what
//! [`Dcc::to_json`] would give. The schema and value-set checks run in every verification and
//! read it through this view, so the default path never converts the payload.

use serde_json::Value;

use super::{Dcc, Entries, PersonName, Recovery, Test, Vaccination};

/// A JSON value: part of a `serde_json` document, or part of the typed payload seen as the JSON
/// it converts to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JsonView<'a> {
    Json(&'a Value),
    Dcc(&'a Dcc),
    Name(&'a PersonName),
    Vaccinations(&'a [Vaccination]),
    Tests(&'a [Test]),
    Recoveries(&'a [Recovery]),
    Vaccination(&'a Vaccination),
    Test(&'a Test),
    Recovery(&'a Recovery),
    Text(&'a str),
    Count(u32),
}

/// What kind of JSON value a view is, with the content the checks read.
pub(crate) enum Shape<'a> {
    Null,
    Bool,
    Number { value: Option<f64>, integral: bool },
    String(&'a str),
    Array { len: usize },
    Object,
}

impl<'a> JsonView<'a> {
    pub fn shape(self) -> Shape<'a> {
        match self {
            JsonView::Json(value) => match value {
                Value::Null => Shape::Null,
                Value::Bool(_) => Shape::Bool,
                Value::Number(number) => Shape::Number {
                    value: number.as_f64(),
                    // Draft 2020-12: any number with a zero fractional part is an integer.
                    integral: number.is_i64()
                        || number.is_u64()
                        || number.as_f64().is_some_and(|float| float.fract() == 0.0),
                },
                Value::String(text) => Shape::String(text),
                Value::Array(items) => Shape::Array { len: items.len() },
                Value::Object(_) => Shape::Object,
            },
            JsonView::Dcc(_)
            | JsonView::Name(_)
            | JsonView::Vaccination(_)
            | JsonView::Test(_)
            | JsonView::Recovery(_) => Shape::Object,
            JsonView::Vaccinations(items) => Shape::Array { len: items.len() },
            JsonView::Tests(items) => Shape::Array { len: items.len() },
            JsonView::Recoveries(items) => Shape::Array { len: items.len() },
            JsonView::Text(text) => Shape::String(text),
            JsonView::Count(count) => Shape::Number {
                value: Some(f64::from(count)),
                integral: true,
            },
        }
    }

    /// The member `name` of an object; `None` when absent or when this is not an object.
    pub fn member(self, name: &str) -> Option<JsonView<'a>> {
        let text = |text: &'a str| Some(JsonView::Text(text));
        let optional = |text: &'a Option<String>| text.as_deref().map(JsonView::Text);
        match self {
            JsonView::Json(value) => value.as_object()?.get(name).map(JsonView::Json),
            JsonView::Dcc(dcc) => match (name, &dcc.entries) {
                ("ver", _) => text(&dcc.version),
                ("nam", _) => Some(JsonView::Name(&dcc.name)),
                ("dob", _) => text(dcc.date_of_birth.as_str()),
                ("v", Entries::Vaccination(v)) => Some(JsonView::Vaccinations(v)),
                ("t", Entries::Test(t)) => Some(JsonView::Tests(t)),
                ("r", Entries::Recovery(r)) => Some(JsonView::Recoveries(r)),
                _ => extra(&dcc.extra, name),
            },
            JsonView::Name(nam) => match name {
                "fn" => optional(&nam.family_name),
                "fnt" => optional(&nam.family_name_standardised),
                "gn" => optional(&nam.given_name),
                "gnt" => optional(&nam.given_name_standardised),
                _ => extra(&nam.extra, name),
            },
            JsonView::Vaccination(v) => match name {
                "tg" => text(&v.target_disease),
                "vp" => text(&v.vaccine),
                "mp" => text(&v.medicinal_product),
                "ma" => text(&v.manufacturer),
                "dn" => Some(JsonView::Count(v.dose_number)),
                "sd" => Some(JsonView::Count(v.total_doses)),
                "dt" => text(&v.date),
                "co" => text(&v.country),
                "is" => text(&v.issuer),
                "ci" => text(&v.certificate_id),
                _ => extra(&v.extra, name),
            },
            JsonView::Test(t) => match name {
                "tg" => text(&t.target_disease),
                "tt" => text(&t.test_type),
                "nm" => optional(&t.test_name),
                "ma" => optional(&t.test_device),
                "sc" => text(&t.sample_collected),
                "dr" => optional(&t.result_date),
                "tr" => text(&t.result),
                "tc" => optional(&t.testing_centre),
                "co" => text(&t.country),
                "is" => text(&t.issuer),
                "ci" => text(&t.certificate_id),
                _ => extra(&t.extra, name),
            },
            JsonView::Recovery(r) => match name {
                "tg" => text(&r.target_disease),
                "fr" => text(&r.first_positive_test),
                "co" => text(&r.country),
                "is" => text(&r.issuer),
                "df" => text(&r.valid_from),
                "du" => text(&r.valid_until),
                "ci" => text(&r.certificate_id),
                _ => extra(&r.extra, name),
            },
            JsonView::Vaccinations(_)
            | JsonView::Tests(_)
            | JsonView::Recoveries(_)
            | JsonView::Text(_)
            | JsonView::Count(_) => None,
        }
    }

    /// The item at `index` of an array; `None` when out of range or when this is not an array.
    pub fn item(self, index: usize) -> Option<JsonView<'a>> {
        match self {
            JsonView::Json(value) => value.as_array()?.get(index).map(JsonView::Json),
            JsonView::Vaccinations(items) => items.get(index).map(JsonView::Vaccination),
            JsonView::Tests(items) => items.get(index).map(JsonView::Test),
            JsonView::Recoveries(items) => items.get(index).map(JsonView::Recovery),
            _ => None,
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self.shape() {
            Shape::String(text) => Some(text),
            _ => None,
        }
    }
}

fn extra<'a>(extra: &'a super::Extra, name: &str) -> Option<JsonView<'a>> {
    extra.get(name).map(JsonView::Json)
}
