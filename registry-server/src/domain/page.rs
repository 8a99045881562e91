//! `offset`/`limit` of a listing, clamped to the server's cap on items per answer.

/// One page of a listing: skip `offset` items, answer at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    /// Confluent's rules: `offset` defaults to 0 (a negative one counts as 0); a `limit`
    /// that is absent, ≤ 0 or above `cap` means `cap`.
    #[must_use]
    pub fn new(offset: Option<i32>, limit: Option<i32>, cap: usize) -> Self {
        let offset = offset.and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
        let limit = limit
            .and_then(|l| usize::try_from(l).ok())
            .filter(|l| (1..=cap).contains(l))
            .unwrap_or(cap);
        Page { offset, limit }
    }

    /// This page of `items`.
    #[must_use]
    pub fn apply<T>(self, items: impl IntoIterator<Item = T>) -> Vec<T> {
        items
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect()
    }

    /// `offset` for SQL.
    #[must_use]
    pub fn sql_offset(self) -> i64 {
        i64::try_from(self.offset).unwrap_or(i64::MAX)
    }

    /// `limit` for SQL.
    #[must_use]
    pub fn sql_limit(self) -> i64 {
        i64::try_from(self.limit).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_cap_mean_the_cap() {
        for limit in [None, Some(0), Some(-1), Some(11), Some(i32::MAX)] {
            assert_eq!(Page::new(None, limit, 10).limit, 10, "{limit:?}");
        }
        assert_eq!(Page::new(None, Some(3), 10).limit, 3);
        assert_eq!(Page::new(Some(-5), None, 10).offset, 0);
        assert_eq!(Page::new(Some(i32::MAX), None, 10).offset, 2_147_483_647);
    }

    #[test]
    fn a_page_skips_then_takes() {
        let page = Page::new(Some(1), Some(2), 10);
        assert_eq!(page.apply(1..=5), vec![2, 3]);
        assert_eq!(
            Page::new(Some(i32::MAX), None, 10).apply(1..=5),
            Vec::<i32>::new()
        );
    }
}
