//! `Debug` for the payload model that never prints personal data: names, the date of birth,
//! the certificate identifier, and the values of fields this model does not know (which may be
//! personal too) are shown as `<redacted>`. An app that logs a result with `{:?}` leaks nothing.

use std::fmt::{self, Debug, Formatter};

use super::{Dcc, Extra, PersonName, Recovery, Test, Vaccination};

const REDACTED: &str = "<redacted>";

/// Shows an optional personal field as present or absent, never its value.
fn presence(value: &Option<String>) -> &'static str {
    if value.is_some() {
        REDACTED
    } else {
        "None"
    }
}

/// Shows the names of unknown fields only.
pub(super) struct ExtraKeys<'a>(pub(super) &'a Extra);

impl Debug for ExtraKeys<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

struct Raw(&'static str);

impl Debug for Raw {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Debug for Dcc {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dcc")
            .field("version", &self.version)
            .field("name", &self.name)
            .field("date_of_birth", &self.date_of_birth)
            .field("entries", &self.entries)
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

impl Debug for PersonName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonName")
            .field("family_name", &Raw(presence(&self.family_name)))
            .field(
                "family_name_standardised",
                &Raw(presence(&self.family_name_standardised)),
            )
            .field("given_name", &Raw(presence(&self.given_name)))
            .field(
                "given_name_standardised",
                &Raw(presence(&self.given_name_standardised)),
            )
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

impl Debug for Vaccination {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vaccination")
            .field("target_disease", &self.target_disease)
            .field("vaccine", &self.vaccine)
            .field("medicinal_product", &self.medicinal_product)
            .field("manufacturer", &self.manufacturer)
            .field("dose_number", &self.dose_number)
            .field("total_doses", &self.total_doses)
            .field("date", &self.date)
            .field("country", &self.country)
            .field("issuer", &self.issuer)
            .field("certificate_id", &Raw(REDACTED))
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

impl Debug for Test {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Test")
            .field("target_disease", &self.target_disease)
            .field("test_type", &self.test_type)
            .field("test_name", &self.test_name)
            .field("test_device", &self.test_device)
            .field("sample_collected", &self.sample_collected)
            .field("result_date", &self.result_date)
            .field("result", &self.result)
            .field("testing_centre", &self.testing_centre)
            .field("country", &self.country)
            .field("issuer", &self.issuer)
            .field("certificate_id", &Raw(REDACTED))
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}

impl Debug for Recovery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recovery")
            .field("target_disease", &self.target_disease)
            .field("first_positive_test", &self.first_positive_test)
            .field("country", &self.country)
            .field("issuer", &self.issuer)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .field("certificate_id", &Raw(REDACTED))
            .field("extra", &ExtraKeys(&self.extra))
            .finish()
    }
}
