//! Karapace's `registry_authfile` JSON, read as Karapace reads it.

use serde::Deserialize;

use super::authfile::{AuthData, AuthFileError, Builder, EntryProblem, entry_error};
use super::password::{Credential, KarapaceAlgorithm};
use super::pattern::Pattern;
use super::permission::{Operation, Rule};

#[derive(Deserialize)]
struct File {
    users: Vec<User>,
    #[serde(default)]
    permissions: Vec<Permission>,
}

#[derive(Deserialize)]
struct User {
    username: String,
    algorithm: String,
    salt: String,
    password_hash: String,
}

#[derive(Deserialize)]
struct Permission {
    username: String,
    operation: String,
    resource: String,
}

pub(crate) fn parse(text: &str) -> Result<AuthData, AuthFileError> {
    let file: File = serde_json::from_str(text).map_err(AuthFileError::Json)?;
    let mut builder = Builder::default();
    for (i, user) in file.users.iter().enumerate() {
        let at = || format!("users[{i}] ({:?})", user.username);
        let algorithm = KarapaceAlgorithm::parse(&user.algorithm)
            .ok_or_else(|| entry_error(at(), EntryProblem::Algorithm(user.algorithm.clone())))?;
        let credential = Credential::karapace(algorithm, &user.salt, &user.password_hash)
            .map_err(|e| entry_error(at(), e))?;
        if builder.user(&user.username, credential) {
            // Karapace keeps the last entry of a name; so do we, to accept its files unchanged.
            tracing::warn!(user = %user.username, "authfile names a user twice; the last entry wins");
        }
    }
    for (i, permission) in file.permissions.iter().enumerate() {
        let at = || format!("permissions[{i}] ({:?})", permission.username);
        let operation = Operation::parse(&permission.operation).ok_or_else(|| {
            entry_error(at(), EntryProblem::Operation(permission.operation.clone()))
        })?;
        let pattern = Pattern::karapace_regex(&permission.resource)
            .map_err(|e| entry_error(format!("{}.resource", at()), e))?;
        builder.rule(&permission.username, Rule { operation, pattern });
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permission::Resource;

    // The sha256 entry: python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha256",b"s3cret pw",b"salt-Abc_123",5000)).decode())'
    const FILE: &str = r#"{
        "users": [
            {"username": "admin", "algorithm": "sha256", "salt": "salt-Abc_123",
             "password_hash": "/vxyk9hwpp9NLTybbdN33kevAFAKgqEC3egyeRyM0Ew=", "comment": "ignored"}
        ],
        "permissions": [
            {"username": "admin", "operation": "Write", "resource": ".*"},
            {"username": "reader", "operation": "Read", "resource": "Subject:orders-.*"}
        ]
    }"#;

    #[test]
    fn a_karapace_file_loads_unchanged() {
        let data = AuthData::parse(FILE.as_bytes(), None).expect("loads");
        assert_eq!(data.user_count(), 1);
        assert_eq!(data.rule_count(), 2);
        assert!(
            data.credential("admin")
                .expect("admin")
                .verify(b"s3cret pw")
        );
        assert!(
            data.principal("admin")
                .may(Operation::Write, Resource::Config)
        );
        // A name with rules but no password (a JWT or certificate principal) keeps its rules.
        let reader = data.principal("reader");
        assert!(reader.may(Operation::Read, Resource::Subject("orders-value")));
        assert!(!reader.may(Operation::Write, Resource::Subject("orders-value")));
        assert!(data.decoy().is_some());
    }

    #[test]
    fn errors_name_the_entry_and_field() {
        let bad_regex = FILE.replace("Subject:orders-.*", "Subject:(orders");
        let error = AuthData::parse(bad_regex.as_bytes(), None)
            .expect_err("bad regex")
            .to_string();
        assert!(
            error.starts_with("permissions[1] (\"reader\").resource: invalid regex"),
            "{error}"
        );

        let bad_op = FILE.replace("\"Read\"", "\"read\"");
        let error = AuthData::parse(bad_op.as_bytes(), None)
            .expect_err("bad op")
            .to_string();
        assert!(
            error.contains("permissions[1]") && error.contains("\"read\""),
            "{error}"
        );

        let bad_alg = FILE.replace("sha256", "md5");
        let error = AuthData::parse(bad_alg.as_bytes(), None)
            .expect_err("bad alg")
            .to_string();
        assert!(
            error.contains("users[0] (\"admin\")") && error.contains("md5"),
            "{error}"
        );

        let syntax = FILE.replace("\"users\": [", "\"users\": [,");
        let error = AuthData::parse(syntax.as_bytes(), None)
            .expect_err("syntax")
            .to_string();
        assert!(error.contains("line 2"), "{error}");
    }
}
