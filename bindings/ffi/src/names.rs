//! Display names for a certificate's codes ("Comirnaty" for `EU/1/20/1528`), from the value
//! sets in force. A name is null when its code is not in the value set, or the set was loaded
//! without names: show the code then. Names of codes are not personal data.

use dcc::payload;

/// The display names of a certificate's entries, one per entry, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DisplayNames {
    Vaccination { entries: Vec<VaccinationNames> },
    Test { entries: Vec<TestNames> },
    Recovery { entries: Vec<RecoveryNames> },
}

impl From<payload::DisplayNames<'_>> for DisplayNames {
    fn from(names: payload::DisplayNames<'_>) -> Self {
        fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
            items.into_iter().map(U::from).collect()
        }
        match names {
            payload::DisplayNames::Vaccination(v) => Self::Vaccination { entries: all(v) },
            payload::DisplayNames::Test(t) => Self::Test { entries: all(t) },
            payload::DisplayNames::Recovery(r) => Self::Recovery { entries: all(r) },
        }
    }
}

fn owned(name: Option<&str>) -> Option<String> {
    name.map(str::to_owned)
}

/// Names for a vaccination entry's codes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VaccinationNames {
    /// `tg`, e.g. "COVID-19".
    pub disease: Option<String>,
    /// `vp`, the kind of vaccine or prophylaxis, e.g. "SARS-CoV-2 mRNA vaccine".
    pub vaccine: Option<String>,
    /// `mp`, the product, e.g. "Comirnaty".
    pub product: Option<String>,
    /// `ma`, the marketing authorisation holder or manufacturer.
    pub manufacturer: Option<String>,
    /// `co`, the country of vaccination, e.g. "Viet Nam".
    pub country: Option<String>,
}

impl From<payload::VaccinationNames<'_>> for VaccinationNames {
    fn from(names: payload::VaccinationNames<'_>) -> Self {
        Self {
            disease: owned(names.disease),
            vaccine: owned(names.vaccine),
            product: owned(names.product),
            manufacturer: owned(names.manufacturer),
            country: owned(names.country),
        }
    }
}

/// Names for a test entry's codes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestNames {
    /// `tg`.
    pub disease: Option<String>,
    /// `tt`, e.g. "Rapid immunoassay".
    pub test_type: Option<String>,
    /// `tr`, e.g. "Not detected".
    pub result: Option<String>,
    /// `ma`, the rapid antigen test device (null for NAA tests, which name none).
    pub device: Option<String>,
    /// `co`, the country of the test.
    pub country: Option<String>,
}

impl From<payload::TestNames<'_>> for TestNames {
    fn from(names: payload::TestNames<'_>) -> Self {
        Self {
            disease: owned(names.disease),
            test_type: owned(names.test_type),
            result: owned(names.result),
            device: owned(names.device),
            country: owned(names.country),
        }
    }
}

/// Names for a recovery entry's codes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryNames {
    /// `tg`.
    pub disease: Option<String>,
    /// `co`, the country of the test.
    pub country: Option<String>,
}

impl From<payload::RecoveryNames<'_>> for RecoveryNames {
    fn from(names: payload::RecoveryNames<'_>) -> Self {
        Self {
            disease: owned(names.disease),
            country: owned(names.country),
        }
    }
}
