//! Authentication and authorization end to end, every test on SQLite and on PostgreSQL:
//! the route matrix, filtered listings and hidden ids, references, the audit trail.

mod audit;
mod bearer;
mod clients;
mod filtering;
mod matrix;
mod reload;
mod support;

/// Declares async tests `fn name(app: support::Secured)` and instantiates them for both
/// backends, each over a server started with the test authfile.
#[macro_export]
macro_rules! secured_tests {
    ($start:ident; $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::$start(registry_tests::Backend::Sqlite).await;
                    super::$name(app).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                async fn $name() {
                    let app = super::$start(registry_tests::Backend::Postgres).await;
                    super::$name(app).await;
                }
            )+
        }
    };
}
