//! A router builder that also records its (method, path) table, so a test can check that
//! `openapi.yaml` and the served routes agree in both directions.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};
use http::Method;

use super::AppState;

/// Routes of one resource, with their table.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

macro_rules! verb {
    ($name:ident, $filter:ident, $method:ident) => {
        #[must_use]
        pub fn $name<H, T>(self, path: &'static str, handler: H) -> Self
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            self.add(path, MethodFilter::$filter, Method::$method, handler)
        }
    };
}

impl Routes {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    verb!(get, GET, GET);
    verb!(post, POST, POST);
    verb!(put, PUT, PUT);
    verb!(delete, DELETE, DELETE);

    fn add<H, T>(
        mut self,
        path: &'static str,
        filter: MethodFilter,
        method: Method,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.table.push((method, path));
        self
    }

    /// Adds another resource's routes.
    #[must_use]
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<(Method, &'static str)>) {
        (self.router, self.table)
    }
}
