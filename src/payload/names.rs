//! Display names for the coded fields of a certificate ("Comirnaty" for `EU/1/20/1528`), from
//! value sets: the bundled ones ([`ValueSets::bundled`]) or those an app loads.

use super::{Dcc, Entries, Recovery, Test, Vaccination};
use crate::valuesets::{ValueSetKind, ValueSets};

/// The display names of a certificate's entries. Each name is `None` when its code is not in
/// the value set (or the set was loaded without names): show the code itself then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisplayNames<'v> {
    /// One per vaccination entry.
    Vaccination(Vec<VaccinationNames<'v>>),
    /// One per test entry.
    Test(Vec<TestNames<'v>>),
    /// One per recovery entry.
    Recovery(Vec<RecoveryNames<'v>>),
}

/// Names for a vaccination entry's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaccinationNames<'v> {
    /// `tg`, e.g. "COVID-19".
    pub disease: Option<&'v str>,
    /// `vp`, the kind of vaccine, e.g. "SARS-CoV-2 mRNA vaccine".
    pub vaccine: Option<&'v str>,
    /// `mp`, the product, e.g. "Comirnaty".
    pub product: Option<&'v str>,
    /// `ma`, the marketing authorisation holder or manufacturer.
    pub manufacturer: Option<&'v str>,
    /// `co`, the country of vaccination.
    pub country: Option<&'v str>,
}

/// Names for a test entry's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestNames<'v> {
    /// `tg`.
    pub disease: Option<&'v str>,
    /// `tt`, e.g. "Rapid immunoassay".
    pub test_type: Option<&'v str>,
    /// `tr`, e.g. "Not detected".
    pub result: Option<&'v str>,
    /// `ma`, the rapid antigen test device (absent for NAA tests).
    pub device: Option<&'v str>,
    /// `co`, the country of the test.
    pub country: Option<&'v str>,
}

/// Names for a recovery entry's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryNames<'v> {
    /// `tg`.
    pub disease: Option<&'v str>,
    /// `co`, the country of the test.
    pub country: Option<&'v str>,
}

impl Dcc {
    /// The display names of every entry's codes, in `value_sets`.
    pub fn display_names<'v>(&self, value_sets: &'v ValueSets) -> DisplayNames<'v> {
        match &self.entries {
            Entries::Vaccination(v) => {
                DisplayNames::Vaccination(v.iter().map(|e| e.display_names(value_sets)).collect())
            }
            Entries::Test(t) => {
                DisplayNames::Test(t.iter().map(|e| e.display_names(value_sets)).collect())
            }
            Entries::Recovery(r) => {
                DisplayNames::Recovery(r.iter().map(|e| e.display_names(value_sets)).collect())
            }
        }
    }
}

impl Vaccination {
    /// The display names of this entry's codes in `value_sets`.
    pub fn display_names<'v>(&self, value_sets: &'v ValueSets) -> VaccinationNames<'v> {
        let name = |kind, code: &str| value_sets.display(kind, code);
        VaccinationNames {
            disease: name(ValueSetKind::DiseaseAgent, &self.target_disease),
            vaccine: name(ValueSetKind::VaccineProphylaxis, &self.vaccine),
            product: name(ValueSetKind::VaccineProduct, &self.medicinal_product),
            manufacturer: name(ValueSetKind::VaccineAuthorisationHolder, &self.manufacturer),
            country: name(ValueSetKind::Country, &self.country),
        }
    }
}

impl Test {
    /// The display names of this entry's codes in `value_sets`.
    pub fn display_names<'v>(&self, value_sets: &'v ValueSets) -> TestNames<'v> {
        let name = |kind, code: &str| value_sets.display(kind, code);
        TestNames {
            disease: name(ValueSetKind::DiseaseAgent, &self.target_disease),
            test_type: name(ValueSetKind::TestType, &self.test_type),
            result: name(ValueSetKind::TestResult, &self.result),
            device: self
                .test_device
                .as_deref()
                .and_then(|code| name(ValueSetKind::TestManufacturer, code)),
            country: name(ValueSetKind::Country, &self.country),
        }
    }
}

impl Recovery {
    /// The display names of this entry's codes in `value_sets`.
    pub fn display_names<'v>(&self, value_sets: &'v ValueSets) -> RecoveryNames<'v> {
        RecoveryNames {
            disease: value_sets.display(ValueSetKind::DiseaseAgent, &self.target_disease),
            country: value_sets.display(ValueSetKind::Country, &self.country),
        }
    }
}
