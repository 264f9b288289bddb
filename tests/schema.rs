//! Gate: every case of the EU conformance corpus that states EXPECTEDSCHEMAVALIDATION, decoded
//! through the public API and checked against the DCC JSON schema of its declared version plus the
//! EU value sets. A payload is "schema valid" when it decodes into one DCC and both checks pass.
//! Expectations the corpus gets wrong are in testdata/conformance/exclusions.toml.

mod corpus;

use dcc_verify::schema;
use dcc_verify::valuesets::ValueSets;

#[test]
fn corpus_schema_expectations() {
    let mut gate = corpus::Gate::new(&["SCHEMAVALIDATION"]);
    for case in corpus::cases() {
        if case.expects("SCHEMAVALIDATION").is_none() {
            continue;
        }
        gate.count_case(&case);
        let qr = case.text("PREFIX").expect("every such case has a PREFIX");
        // A payload that does not decode into one DCC (DGC2 holds v, t and r) is not valid.
        let Ok(decoded) = dcc_verify::decode(qr) else {
            gate.check(&case, "SCHEMAVALIDATION", false, || {
                "does not decode".into()
            });
            continue;
        };
        let dcc = decoded.certificate.dcc().unwrap();
        let payload = dcc.to_json();
        let report = schema::validate(&payload);
        let value_set_violations = ValueSets::bundled().check(&payload);
        // Verification checks the typed payload without converting it: same answers.
        assert_eq!(schema::validate_dcc(dcc), report, "{}", case.name);
        assert_eq!(
            ValueSets::bundled().check_dcc(dcc),
            value_set_violations,
            "{}",
            case.name
        );
        let valid = report.is_valid() && value_set_violations.is_empty();
        // Field paths and kinds only: the values are personal data.
        gate.check(&case, "SCHEMAVALIDATION", valid, || {
            let schema: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
            let sets: Vec<String> = value_set_violations
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("schema {} {schema:?}; value sets {sets:?}", report.version)
        });
    }
    gate.finish("EU DCC conformance corpus, schema and value sets");
}
