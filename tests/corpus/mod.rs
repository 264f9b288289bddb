//! The EU DCC conformance corpus (testdata/dgc-testdata) and its exclusions file, shared by the
//! gates that run it (tests/conformance.rs, tests/schema.rs).

// Each gate compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/dgc-testdata");
pub const EXCLUSIONS: &str = "testdata/conformance/exclusions.toml";

/// One corpus case.
pub struct Case {
    /// Path under testdata/dgc-testdata, e.g. `DE/2DCode/raw/1.json`.
    pub name: String,
    pub issuer: String,
    pub json: Value,
}

impl Case {
    /// The expectation `EXPECTED<flag>`, when the case states one.
    pub fn expects(&self, flag: &str) -> Option<bool> {
        self.json["EXPECTEDRESULTS"]
            .get(format!("EXPECTED{flag}"))?
            .as_bool()
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.json.get(key)?.as_str()
    }
}

/// Every case, in path order.
pub fn cases() -> Vec<Case> {
    let mut paths = Vec::new();
    collect(Path::new(CORPUS), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(CORPUS)
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/");
            let name = name.trim_start_matches('/').to_owned();
            let issuer = name.split('/').next().unwrap().to_owned();
            let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            Case { name, issuer, json }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && path.parent() != Some(Path::new(CORPUS))
        {
            out.push(path);
        }
    }
}

#[derive(serde::Deserialize)]
struct ExclusionsFile {
    #[serde(default)]
    exclude: Vec<Exclusion>,
}

/// An expectation the corpus gets wrong, with the reason.
#[derive(serde::Deserialize)]
pub struct Exclusion {
    case: String,
    flag: String,
    reason: String,
}

impl Exclusion {
    /// `X/*.json` covers every case directly in folder X.
    fn covers(&self, case: &str) -> bool {
        match self.case.split_once('*') {
            Some((folder, suffix)) => case
                .strip_prefix(folder)
                .and_then(|name| name.strip_suffix(suffix))
                .is_some_and(|stem| !stem.contains('/')),
            None => self.case == case,
        }
    }

    fn is_folder(&self) -> bool {
        self.case.contains('*')
    }
}

#[derive(Default)]
struct Counts {
    cases: usize,
    passed: usize,
    failed: usize,
    excluded: usize,
}

/// Checks expectations against answers and keeps the score per issuer.
///
/// An expectation covered by an exclusion is not gated on. A single-case exclusion whose
/// expectation is met anyway is stale and fails the gate; a folder exclusion (a whole issuer whose
/// expectations are unreliable) is stale when every expectation it covers is met.
pub struct Gate {
    flags: Vec<&'static str>,
    exclusions: Vec<Exclusion>,
    /// Per exclusion: (expectations covered, of which met).
    exclusion_use: Vec<(usize, usize)>,
    per_issuer: BTreeMap<String, Counts>,
    failures: Vec<String>,
}

impl Gate {
    /// A gate for `flags`, with the exclusions for those flags.
    pub fn new(flags: &[&'static str]) -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(EXCLUSIONS);
        let file: ExclusionsFile = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let exclusions: Vec<Exclusion> = file
            .exclude
            .into_iter()
            .filter(|e| flags.contains(&e.flag.as_str()))
            .collect();
        for e in &exclusions {
            assert!(
                !e.reason.trim().is_empty(),
                "exclusion {} {} has no reason",
                e.case,
                e.flag
            );
        }
        let exclusion_use = vec![(0, 0); exclusions.len()];
        Self {
            flags: flags.to_vec(),
            exclusions,
            exclusion_use,
            per_issuer: BTreeMap::new(),
            failures: Vec::new(),
        }
    }

    pub fn count_case(&mut self, case: &Case) {
        self.per_issuer
            .entry(case.issuer.clone())
            .or_default()
            .cases += 1;
    }

    /// Records our `answer` to the case's expectation for `flag` (if it states one). `detail`
    /// explains a failure; it must not carry personal data.
    pub fn check(
        &mut self,
        case: &Case,
        flag: &str,
        answer: bool,
        detail: impl FnOnce() -> String,
    ) {
        let Some(expected) = case.expects(flag) else {
            return;
        };
        let counts = self.per_issuer.entry(case.issuer.clone()).or_default();
        let met = answer == expected;
        match self
            .exclusions
            .iter()
            .position(|e| e.flag == flag && e.covers(&case.name))
        {
            Some(i) => {
                let (covered, met_count) = &mut self.exclusion_use[i];
                *covered += 1;
                *met_count += usize::from(met);
                match (met, self.exclusions[i].is_folder()) {
                    (false, _) => counts.excluded += 1,
                    (true, true) => counts.passed += 1,
                    (true, false) => {
                        counts.failed += 1;
                        self.failures.push(format!(
                            "{} {flag}: excluded, but we now meet the expectation ({expected}): delete the exclusion",
                            case.name
                        ));
                    }
                }
            }
            None if met => counts.passed += 1,
            None => {
                counts.failed += 1;
                self.failures.push(format!(
                    "{} {flag}: expected {expected}, got {answer}; {}",
                    case.name,
                    detail()
                ));
            }
        }
    }

    /// Prints the per-issuer table and `N passed, N failed`; fails the test on any failure.
    pub fn finish(mut self, title: &str) {
        for (e, (covered, met)) in self.exclusions.iter().zip(&self.exclusion_use) {
            if *covered == 0 {
                self.failures.push(format!(
                    "exclusion {} {} covers no expectation",
                    e.case, e.flag
                ));
            } else if e.is_folder() && met == covered {
                self.failures.push(format!(
                    "exclusion {} {} is stale: every case it covers is met",
                    e.case, e.flag
                ));
            }
        }
        println!("{title} ({})", self.flags.join(", "));
        println!(
            "{:<8} {:>6} {:>7} {:>7} {:>9}",
            "issuer", "cases", "passed", "failed", "excluded"
        );
        let mut total = Counts::default();
        for (issuer, c) in &self.per_issuer {
            println!(
                "{issuer:<8} {:>6} {:>7} {:>7} {:>9}",
                c.cases, c.passed, c.failed, c.excluded
            );
            total.cases += c.cases;
            total.passed += c.passed;
            total.excluded += c.excluded;
        }
        println!(
            "{:<8} {:>6} {:>7} {:>7} {:>9}",
            "total",
            total.cases,
            total.passed,
            self.failures.len(),
            total.excluded
        );
        for f in &self.failures {
            println!("FAIL {f}");
        }
        println!("{} passed, {} failed", total.passed, self.failures.len());
        assert!(total.passed > 0, "nothing was checked");
        assert!(
            self.failures.is_empty(),
            "{} failures, see the FAIL lines",
            self.failures.len()
        );
    }
}
