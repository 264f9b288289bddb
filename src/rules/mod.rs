//! Business rules: the CertLogic engine and the EU DCC gateway rules built on it.

pub mod certlogic;
