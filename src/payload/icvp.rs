//! The ICVP (sub-claim -6): WHO's International Certificate of Vaccination or Prophylaxis, the
//! digital yellow-fever card. Two shapes are in use: `ICVPMin` (product ids from the WHO
//! prequalification list) and the older 2024 DVC shape (`dn`, `tg`, `vp` as an ICD-11 or
//! SNOMED code, `mp`, `ma`, ...). Both decode into this model.

use std::fmt::{self, Debug, Formatter};
use std::sync::OnceLock;

use ciborium::Value;
use serde_json::{Map, Value as Json};

use super::{DateOfBirth, Extra, Fields, PartialDate, PayloadError};
use crate::calendar::days_from_civil;

/// Which shape the issuer used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IcvpShape {
    /// `ICVPMin`: `v{vp, dt, bo, vls, vle, cn, is}`.
    IcvpMin,
    /// The 2024 DVC shape: vaccinations also carry `dn`, `tg`, `mp`, `ma` or `mid`.
    Dvc2024,
}

/// An ICVP.
#[derive(Clone, PartialEq)]
pub struct Icvp {
    /// Which shape the issuer used.
    pub shape: IcvpShape,
    /// `n`: the holder's name.
    pub name: String,
    /// `dob`.
    pub date_of_birth: Option<DateOfBirth>,
    /// `s`: sex, as issued.
    pub sex: Option<String>,
    /// `ntl`: nationality.
    pub nationality: Option<String>,
    /// `nid`: national identification document number.
    pub national_id: Option<String>,
    /// `ndt`: type of that document.
    pub national_id_type: Option<String>,
    /// `gn`: parent or guardian.
    pub guardian: Option<String>,
    /// `v`: a map or an array of maps in the payload; at least one.
    pub vaccinations: Vec<IcvpVaccination>,
    /// Fields this model does not name, as issued.
    pub extra: Extra,
}

/// One vaccination of an ICVP.
#[derive(Clone, PartialEq)]
pub struct IcvpVaccination {
    /// `vp`: the product: a WHO PreQual product id (ICVPMin), or a vaccine code (DVC).
    pub product: String,
    /// `dt`: date of vaccination.
    pub date: String,
    /// `bo`: batch or lot number.
    pub batch: Option<String>,
    /// `vls`: the certificate is valid from this date.
    pub valid_from: Option<String>,
    /// `vle`: valid until this date (absent: for life).
    pub valid_until: Option<String>,
    /// `cn`: the clinician's name.
    pub clinician: Option<String>,
    /// `is`: the issuer.
    pub issuer: Option<String>,
    /// `dn` (DVC shape): dose number or description.
    pub dose: Option<String>,
    /// `tg` (DVC shape): disease targeted (ICD-11).
    pub target_disease: Option<String>,
    /// `mp` (DVC shape).
    pub medicinal_product: Option<String>,
    /// `ma` (DVC shape): manufacturer or marketing authorisation holder.
    pub manufacturer: Option<String>,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

/// A product of the WHO prequalification list, as the ICVP product ids name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcvpProduct {
    /// e.g. "Yellow Fever", "Polio Vaccine - Inactivated (IPV)".
    pub vaccine_type: &'static str,
    /// e.g. "STAMARIL"; "n/a" where the list gives none.
    pub commercial_name: &'static str,
    /// e.g. "Vial", "Ampoule".
    pub presentation: &'static str,
    /// Doses per container, as listed.
    pub doses: &'static str,
    /// The manufacturer, as listed.
    pub manufacturer: &'static str,
}

/// `icvp_data/products.tsv`, zlib-compressed: a quarter of its size in the mobile library. A
/// unit test checks that it inflates to the file.
const PRODUCTS_ZZ: &[u8] = include_bytes!("icvp_data/products.tsv.zz");
const VACCINE_CODES: &str = include_str!("icvp_data/vaccine_codes.tsv");

fn table(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split('\t').collect())
}

/// The product table, inflated on first use. (It cannot fail: a unit test inflates it.)
fn products() -> &'static str {
    static PRODUCTS: OnceLock<String> = OnceLock::new();
    PRODUCTS.get_or_init(|| crate::embedded::text(PRODUCTS_ZZ).unwrap_or_default())
}

impl IcvpProduct {
    /// The product with this id (`vp` of an ICVPMin).
    pub fn by_id(id: &str) -> Option<Self> {
        table(products()).find_map(|row| match row.as_slice() {
            [row_id, vaccine_type, commercial_name, presentation, doses, manufacturer]
                if *row_id == id =>
            {
                Some(Self {
                    vaccine_type,
                    commercial_name,
                    presentation,
                    doses,
                    manufacturer,
                })
            }
            _ => None,
        })
    }

    /// The commercial name, else the manufacturer.
    pub fn short_name(&self) -> &'static str {
        if self.commercial_name == "n/a" {
            self.manufacturer
        } else {
            self.commercial_name
        }
    }

    /// "yellow fever" for yellow-fever vaccines; else the vaccine type as listed.
    pub fn disease(&self) -> String {
        if self.vaccine_type == "Yellow Fever" {
            "yellow fever".to_owned()
        } else {
            self.vaccine_type.to_owned()
        }
    }
}

/// The name of an ICD-11 vaccine code of the ICVP value set (e.g. XM0N24 "Yellow fever
/// vaccines"), as the DVC shape uses in `vp`.
pub fn vaccine_code_name(code: &str) -> Option<&'static str> {
    table(VACCINE_CODES).find_map(|row| match row.as_slice() {
        [row_code, name] if *row_code == code => Some(*name),
        _ => None,
    })
}

impl IcvpVaccination {
    /// The PreQual product `vp` names, when it is a product id.
    pub fn product_info(&self) -> Option<IcvpProduct> {
        IcvpProduct::by_id(&self.product)
    }

    /// What was given, for people: "yellow fever vaccination (STAMARIL)", or the vaccine code's
    /// name, or the code itself.
    pub fn display_name(&self) -> String {
        if let Some(product) = self.product_info() {
            format!(
                "{} vaccination ({})",
                product.disease(),
                product.short_name()
            )
        } else if let Some(name) = vaccine_code_name(&self.product) {
            format!("vaccination ({name})")
        } else {
            format!("vaccination ({})", self.product)
        }
    }

    /// `vls`..`vle` in Unix seconds: from the start of the `vls` day to the end of the `vle`
    /// day, UTC.
    pub fn validity(&self) -> (Option<i64>, Option<i64>) {
        let from = self.valid_from.as_deref().and_then(day_start);
        let until = self
            .valid_until
            .as_deref()
            .and_then(day_start)
            .map(|start| start + 86_399);
        (from, until)
    }
}

impl Icvp {
    /// The window in which the certificate attests a valid vaccination: the widest of its
    /// vaccinations' windows (an entry without `vls`/`vle` is open on that side).
    pub fn validity(&self) -> (Option<i64>, Option<i64>) {
        let windows: Vec<_> = self.vaccinations.iter().map(|v| v.validity()).collect();
        let from = windows
            .iter()
            .map(|w| w.0)
            .try_fold(i64::MAX, |acc, from| from.map(|from| acc.min(from)));
        let until = windows
            .iter()
            .map(|w| w.1)
            .try_fold(i64::MIN, |acc, until| until.map(|until| acc.max(until)));
        (from, until)
    }

    pub(super) fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "icvp")?;
        let name = map.text("n", "icvp.n")?;
        let date_of_birth = map.optional_text("dob", "icvp.dob")?.map(DateOfBirth::new);
        let sex = map.optional_text("s", "icvp.s")?;
        let nationality = map.optional_text("ntl", "icvp.ntl")?;
        let national_id = map.optional_text("nid", "icvp.nid")?;
        let national_id_type = map.optional_text("ndt", "icvp.ndt")?;
        let guardian = map.optional_text("gn", "icvp.gn")?;
        let vaccinations = match map.required("v", "icvp.v")? {
            Value::Array(items) => items
                .into_iter()
                .map(IcvpVaccination::from_cbor)
                .collect::<Result<Vec<_>, _>>()?,
            single @ Value::Map(_) => vec![IcvpVaccination::from_cbor(single)?],
            _ => return Err(PayloadError::WrongType("icvp.v")),
        };
        if vaccinations.is_empty() {
            return Err(PayloadError::NoEntry);
        }
        let dvc = vaccinations.iter().any(|v| {
            v.dose.is_some()
                || v.target_disease.is_some()
                || v.medicinal_product.is_some()
                || v.manufacturer.is_some()
                || v.extra.contains_key("mid")
        });
        Ok(Self {
            shape: if dvc {
                IcvpShape::Dvc2024
            } else {
                IcvpShape::IcvpMin
            },
            name,
            date_of_birth,
            sex,
            nationality,
            national_id,
            national_id_type,
            guardian,
            vaccinations,
            extra: map.rest(),
        })
    }

    pub(super) fn to_json(&self) -> Json {
        let mut obj: Map<String, Json> = super::json::object(&self.extra);
        obj.insert("n".into(), self.name.clone().into());
        if let Some(dob) = &self.date_of_birth {
            obj.insert("dob".into(), dob.as_str().into());
        }
        put(&mut obj, "s", &self.sex);
        put(&mut obj, "ntl", &self.nationality);
        put(&mut obj, "nid", &self.national_id);
        put(&mut obj, "ndt", &self.national_id_type);
        put(&mut obj, "gn", &self.guardian);
        let v: Vec<Json> = self.vaccinations.iter().map(|v| v.to_json()).collect();
        obj.insert("v".into(), Json::Array(v));
        Json::Object(obj)
    }
}

impl IcvpVaccination {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "icvp.v")?;
        let vaccination = Self {
            product: map.text("vp", "icvp.v.vp")?,
            date: map.text("dt", "icvp.v.dt")?,
            batch: map.optional_text("bo", "icvp.v.bo")?,
            valid_from: map.optional_text("vls", "icvp.v.vls")?,
            valid_until: map.optional_text("vle", "icvp.v.vle")?,
            clinician: map.optional_text("cn", "icvp.v.cn")?,
            issuer: map.optional_text("is", "icvp.v.is")?,
            dose: map.optional_text_or_number("dn", "icvp.v.dn")?,
            target_disease: map.optional_text("tg", "icvp.v.tg")?,
            medicinal_product: map.optional_text("mp", "icvp.v.mp")?,
            manufacturer: map.optional_text("ma", "icvp.v.ma")?,
            extra: map.rest(),
        };
        // A window that cannot be read cannot be checked: refuse rather than guess.
        if vaccination
            .valid_from
            .as_deref()
            .is_some_and(|d| day_start(d).is_none())
        {
            return Err(PayloadError::WrongType("icvp.v.vls"));
        }
        if vaccination
            .valid_until
            .as_deref()
            .is_some_and(|d| day_start(d).is_none())
        {
            return Err(PayloadError::WrongType("icvp.v.vle"));
        }
        Ok(vaccination)
    }

    fn to_json(&self) -> Json {
        let mut obj = super::json::object(&self.extra);
        obj.insert("vp".into(), self.product.clone().into());
        obj.insert("dt".into(), self.date.clone().into());
        put(&mut obj, "bo", &self.batch);
        put(&mut obj, "vls", &self.valid_from);
        put(&mut obj, "vle", &self.valid_until);
        put(&mut obj, "cn", &self.clinician);
        put(&mut obj, "is", &self.issuer);
        put(&mut obj, "dn", &self.dose);
        put(&mut obj, "tg", &self.target_disease);
        put(&mut obj, "mp", &self.medicinal_product);
        put(&mut obj, "ma", &self.manufacturer);
        Json::Object(obj)
    }
}

pub(super) fn put(obj: &mut Map<String, Json>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        obj.insert(key.into(), value.clone().into());
    }
}

/// The start (00:00 UTC) of a full date `YYYY-MM-DD`, in Unix seconds.
pub(super) fn day_start(text: &str) -> Option<i64> {
    match DateOfBirth::new(text.to_owned()).date()? {
        PartialDate::Date(y, m, d) => {
            Some(days_from_civil(i64::from(y), u32::from(m), u32::from(d)) * 86_400)
        }
        _ => None,
    }
}

/// Never prints personal data: names, the date of birth, identifiers, the clinician.
impl Debug for Icvp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Icvp")
            .field("shape", &self.shape)
            .field("name", &format_args!("<redacted>"))
            .field("date_of_birth", &self.date_of_birth)
            .field("vaccinations", &self.vaccinations)
            .field("extra", &super::redact::ExtraKeys(&self.extra))
            .finish_non_exhaustive()
    }
}

impl Debug for IcvpVaccination {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("IcvpVaccination")
            .field("product", &self.product)
            .field("date", &self.date)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .field("target_disease", &self.target_disease)
            .field("extra", &super::redact::ExtraKeys(&self.extra))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compressed_product_table_is_the_reviewed_file() {
        assert_eq!(products(), include_str!("icvp_data/products.tsv"));
        let stamaril = IcvpProduct::by_id("YellowFeverProductd8a09f80301dc05e124f99ffe7711fc0");
        assert_eq!(stamaril.map(|p| p.short_name()), Some("STAMARIL"));
        assert!(IcvpProduct::by_id("YellowFeverProduct").is_none());
    }
}
