//! Our TOML authfile: argon2id password hashes, and rules by subject prefix, config or regex.
//!
//! ```toml
//! [[users]]
//! username = "alice"
//! password_hash = "$argon2id$v=19$m=19456,t=2,p=1$..."   # `schema-registry passwd`
//!
//! [[permissions]]
//! username = "alice"
//! operation = "Write"          # or "Read"; Write implies Read
//! prefix = "orders-"           # subjects whose full name starts so ("" = all, ":.ctx:" = a context)
//!
//! [[permissions]]
//! username = "admin"
//! operation = "Write"
//! config = true                # the global config and mode
//!
//! [[permissions]]
//! username = "ops"
//! operation = "Read"
//! regex = "Subject:(orders|billing)-"   # as in Karapace's file: anchored at the start only
//! ```

use serde::Deserialize;

use super::authfile::{AuthData, AuthFileError, Builder, EntryProblem, entry_error};
use super::password::Credential;
use super::pattern::Pattern;
use super::permission::{Operation, Rule};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    users: Vec<User>,
    #[serde(default)]
    permissions: Vec<Permission>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct User {
    username: String,
    password_hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Permission {
    username: String,
    operation: String,
    prefix: Option<String>,
    regex: Option<String>,
    #[serde(default)]
    config: bool,
}

pub(crate) fn parse(text: &str) -> Result<AuthData, AuthFileError> {
    let file: File = toml::from_str(text).map_err(AuthFileError::Toml)?;
    let mut builder = Builder::default();
    for (i, user) in file.users.iter().enumerate() {
        let at = || format!("users[{i}] ({:?}).password_hash", user.username);
        let credential =
            Credential::argon2id(&user.password_hash).map_err(|e| entry_error(at(), e))?;
        if builder.user(&user.username, credential) {
            return Err(entry_error(
                format!("users[{i}]"),
                EntryProblem::DuplicateUser(user.username.clone()),
            ));
        }
    }
    for (i, permission) in file.permissions.iter().enumerate() {
        let at = |field: &str| format!("permissions[{i}] ({:?}){field}", permission.username);
        let operation = Operation::parse(&permission.operation).ok_or_else(|| {
            entry_error(
                at(".operation"),
                EntryProblem::Operation(permission.operation.clone()),
            )
        })?;
        let pattern = match (&permission.prefix, &permission.regex, permission.config) {
            (Some(prefix), None, false) => Pattern::SubjectPrefix(prefix.as_str().into()),
            (None, Some(regex), false) => {
                Pattern::karapace_regex(regex).map_err(|e| entry_error(at(".regex"), e))?
            }
            (None, None, true) => Pattern::Config,
            _ => return Err(entry_error(at(""), EntryProblem::Selector)),
        };
        builder.rule(&permission.username, Rule { operation, pattern });
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password::argon2id_hash;
    use crate::auth::permission::Resource;

    fn file(hash: &str) -> String {
        format!(
            r#"
[[users]]
username = "alice"
password_hash = "{hash}"

[[permissions]]
username = "alice"
operation = "Write"
prefix = "orders-"

[[permissions]]
username = "alice"
operation = "Read"
config = true

[[permissions]]
username = "alice"
operation = "Read"
regex = "Subject:(billing|audit)-"
"#
        )
    }

    #[test]
    fn the_native_file_loads() {
        let hash = argon2id_hash("pw").expect("hash");
        let data = AuthData::parse(file(&hash).as_bytes(), None).expect("loads");
        assert!(data.credential("alice").expect("alice").verify(b"pw"));
        let alice = data.principal("alice");
        assert!(alice.may(Operation::Write, Resource::Subject("orders-v")));
        assert!(alice.may(Operation::Read, Resource::Config));
        assert!(!alice.may(Operation::Write, Resource::Config));
        assert!(alice.may(Operation::Read, Resource::Subject("audit-x")));
        assert!(!alice.may(Operation::Read, Resource::Subject("x-audit-x")));
    }

    #[test]
    fn errors_say_where() {
        let hash = argon2id_hash("pw").expect("hash");
        let two = file(&hash).replace(
            "prefix = \"orders-\"",
            "prefix = \"orders-\"\nconfig = true",
        );
        let error = AuthData::parse(two.as_bytes(), None)
            .expect_err("two selectors")
            .to_string();
        assert!(
            error.starts_with("permissions[0] (\"alice\"): give exactly one"),
            "{error}"
        );

        let error = AuthData::parse(file("$argon2i$nope").as_bytes(), None).expect_err("bad hash");
        assert!(
            error
                .to_string()
                .starts_with("users[0] (\"alice\").password_hash"),
            "{error}"
        );

        let typo = file(&hash).replace(
            "operation = \"Read\"\nconfig",
            "operaton = \"Read\"\nconfig",
        );
        let error = AuthData::parse(typo.as_bytes(), None)
            .expect_err("typo")
            .to_string();
        assert!(
            error.contains("line") && error.contains("operaton"),
            "{error}"
        );

        let twice = format!(
            "{}\n[[users]]\nusername = \"alice\"\npassword_hash = \"{hash}\"\n",
            file(&hash)
        );
        let error = AuthData::parse(twice.as_bytes(), None)
            .expect_err("duplicate")
            .to_string();
        assert!(error.contains("appears twice"), "{error}");
    }
}
