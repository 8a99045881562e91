//! Authentication and permissions: who a request is from, and what that principal may do.
//!
//! A leaf module: it reads HTTP headers and files, and knows nothing of the registry or store.
//! - [`Authenticator`] (`authenticator.rs`): the façade; Basic, Bearer, client-certificate names.
//! - [`Principal`], [`Operation`], [`Resource`] (`permission.rs`): `principal.may(op, resource)`.
//! - `authfile.rs`, `karapace.rs`, `native.rs`: the two authfile formats; `pattern.rs`: rules.
//! - `password.rs`: password hashes; `cache.rs`: recently verified passwords.
//! - `jwt.rs`, `jwks.rs`: bearer tokens and their keys; `reload.rs`: files that change.
//! - [`AuthArgs`] (`args.rs`): the `serve` flags.

mod args;
mod authenticator;
mod authfile;
mod cache;
mod error;
mod header;
mod jwks;
mod jwt;
mod karapace;
mod native;
mod password;
mod pattern;
mod permission;
mod reload;

pub use args::AuthArgs;
pub use authenticator::Authenticator;
pub use authfile::{AuthFileError, EntryProblem};
pub use error::{AuthError, SetupError};
pub use jwks::JwksError;
pub use jwt::JwksLocation;
pub use password::{
    CredentialError, KarapaceAlgorithm, argon2id_hash, karapace_hash, karapace_salt,
};
pub use pattern::PatternError;
pub use permission::{Operation, Principal, Resource};

/// The name of a verified client certificate, put in a request's extensions by the TLS
/// layer; used as the principal when the request carries no `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertPrincipal(pub String);
