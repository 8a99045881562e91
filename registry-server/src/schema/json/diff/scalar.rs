//! Differences of string, number and enum schemas: bounds, patterns, `multipleOf`, integer vs
//! number, and enum value sets.

use std::collections::HashSet;

use serde_json::Value;

use super::kind::DiffType as D;
use super::{Ctx, Engine};
use crate::schema::json::model::{NumberNode, StringNode, identity_key};

/// The four outcomes of comparing an optional bound.
struct BoundTypes {
    added: D,
    removed: D,
    increased: D,
    decreased: D,
}

fn compare_bound(ctx: &mut Ctx, keyword: &str, o: Option<f64>, u: Option<f64>, t: &BoundTypes) {
    match (o, u) {
        (None, Some(_)) => ctx.add_at(keyword, t.added),
        (Some(_), None) => ctx.add_at(keyword, t.removed),
        (Some(a), Some(b)) if a < b => ctx.add_at(keyword, t.increased),
        (Some(a), Some(b)) if a > b => ctx.add_at(keyword, t.decreased),
        _ => {}
    }
}

pub(super) fn compare_string(ctx: &mut Ctx, o: &StringNode, u: &StringNode) {
    compare_bound(
        ctx,
        "maxLength",
        o.max_length,
        u.max_length,
        &BoundTypes {
            added: D::MAX_LENGTH_ADDED,
            removed: D::MAX_LENGTH_REMOVED,
            increased: D::MAX_LENGTH_INCREASED,
            decreased: D::MAX_LENGTH_DECREASED,
        },
    );
    compare_bound(
        ctx,
        "minLength",
        o.min_length,
        u.min_length,
        &BoundTypes {
            added: D::MIN_LENGTH_ADDED,
            removed: D::MIN_LENGTH_REMOVED,
            increased: D::MIN_LENGTH_INCREASED,
            decreased: D::MIN_LENGTH_DECREASED,
        },
    );
    match (&o.pattern, &u.pattern) {
        (None, Some(_)) => ctx.add_at("pattern", D::PATTERN_ADDED),
        (Some(_), None) => ctx.add_at("pattern", D::PATTERN_REMOVED),
        (Some(a), Some(b)) if a != b => ctx.add_at("pattern", D::PATTERN_CHANGED),
        _ => {}
    }
}

pub(super) fn compare_number(ctx: &mut Ctx, o: &NumberNode, u: &NumberNode) {
    compare_bound(
        ctx,
        "maximum",
        o.maximum,
        u.maximum,
        &BoundTypes {
            added: D::MAXIMUM_ADDED,
            removed: D::MAXIMUM_REMOVED,
            increased: D::MAXIMUM_INCREASED,
            decreased: D::MAXIMUM_DECREASED,
        },
    );
    compare_bound(
        ctx,
        "minimum",
        o.minimum,
        u.minimum,
        &BoundTypes {
            added: D::MINIMUM_ADDED,
            removed: D::MINIMUM_REMOVED,
            increased: D::MINIMUM_INCREASED,
            decreased: D::MINIMUM_DECREASED,
        },
    );
    compare_bound(
        ctx,
        "exclusiveMaximum",
        o.exclusive_maximum,
        u.exclusive_maximum,
        &BoundTypes {
            added: D::EXCLUSIVE_MAXIMUM_ADDED,
            removed: D::EXCLUSIVE_MAXIMUM_REMOVED,
            increased: D::EXCLUSIVE_MAXIMUM_INCREASED,
            decreased: D::EXCLUSIVE_MAXIMUM_DECREASED,
        },
    );
    compare_bound(
        ctx,
        "exclusiveMinimum",
        o.exclusive_minimum,
        u.exclusive_minimum,
        &BoundTypes {
            added: D::EXCLUSIVE_MINIMUM_ADDED,
            removed: D::EXCLUSIVE_MINIMUM_REMOVED,
            increased: D::EXCLUSIVE_MINIMUM_INCREASED,
            decreased: D::EXCLUSIVE_MINIMUM_DECREASED,
        },
    );
    compare_multiple_of(ctx, o.multiple_of.as_deref(), u.multiple_of.as_deref());
    if o.requires_integer != u.requires_integer {
        ctx.add(if o.requires_integer {
            D::TYPE_EXTENDED
        } else {
            D::TYPE_NARROWED
        });
    }
}

fn compare_multiple_of(ctx: &mut Ctx, o: Option<&str>, u: Option<&str>) {
    let o = o.and_then(Decimal::parse);
    let u = u.and_then(Decimal::parse);
    let kind = match (o, u) {
        (None, None) => return,
        (None, Some(_)) => D::MULTIPLE_OF_ADDED,
        (Some(_), None) => D::MULTIPLE_OF_REMOVED,
        (Some(a), Some(b)) if a.same_value(b) => return,
        // The new divisor is a multiple of the old one: fewer values pass.
        (Some(a), Some(b)) if !a.is_zero() && b.is_multiple_of(a) => D::MULTIPLE_OF_EXPANDED,
        (Some(a), Some(b)) if !b.is_zero() && a.is_multiple_of(b) => D::MULTIPLE_OF_REDUCED,
        _ => D::MULTIPLE_OF_CHANGED,
    };
    ctx.add_at("multipleOf", kind);
}

pub(super) fn compare_enum(engine: &mut Engine<'_>, ctx: &mut Ctx, o: &[Value], u: &[Value]) {
    if !engine.charge(u64::try_from(o.len() + u.len()).unwrap_or(u64::MAX)) {
        return;
    }
    // Keyed by identity text, so that large enums compare in linear time.
    let keys = |values: &[Value]| -> HashSet<String> {
        values
            .iter()
            .map(|v| {
                let mut key = String::new();
                identity_key(v, &mut key);
                key
            })
            .collect()
    };
    let (o_keys, u_keys) = (keys(o), keys(u));
    if o_keys == u_keys {
        return;
    }
    let kind = if o_keys.is_subset(&u_keys) {
        D::ENUM_ARRAY_EXTENDED
    } else if u_keys.is_subset(&o_keys) {
        D::ENUM_ARRAY_NARROWED
    } else {
        D::ENUM_ARRAY_CHANGED
    };
    ctx.add_at("enum", kind);
}

/// An exact decimal `mantissa × 10^-scale`, enough to compare `multipleOf` like BigDecimal.
#[derive(Debug, Clone, Copy)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    fn parse(text: &str) -> Option<Self> {
        let (number, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{int_part}{frac_part}");
        let mut mantissa: i128 = digits.parse().ok()?;
        let mut scale = i32::try_from(frac_part.len()).ok()? - exponent;
        while scale < 0 {
            mantissa = mantissa.checked_mul(10)?;
            scale += 1;
        }
        Some(Decimal {
            mantissa,
            scale: u32::try_from(scale).ok()?,
        })
    }

    fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Both values at a common scale, or `None` on overflow.
    fn aligned(self, other: Decimal) -> Option<(i128, i128)> {
        let scale = self.scale.max(other.scale);
        let a = self
            .mantissa
            .checked_mul(10_i128.checked_pow(scale - self.scale)?)?;
        let b = other
            .mantissa
            .checked_mul(10_i128.checked_pow(scale - other.scale)?)?;
        Some((a, b))
    }

    fn same_value(self, other: Decimal) -> bool {
        self.aligned(other).is_some_and(|(a, b)| a == b)
    }

    fn is_multiple_of(self, divisor: Decimal) -> bool {
        self.aligned(divisor)
            .is_some_and(|(a, b)| b != 0 && a % b == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    #[test]
    fn decimals_compare_scale_insensitively() {
        let half = Decimal::parse("0.5").expect("decimal");
        let half2 = Decimal::parse("0.50").expect("decimal");
        let ten = Decimal::parse("10").expect("decimal");
        let big = Decimal::parse("1e2").expect("decimal");
        assert!(half.same_value(half2));
        assert!(ten.is_multiple_of(half));
        assert!(!half.is_multiple_of(ten));
        assert!(big.is_multiple_of(ten));
    }

    /// `-0` is 0 in an enum or a const (found by the fuzzer: `{"enum":[-0,2]}` was not
    /// compatible with its own canonical text, which writes `0`).
    #[test]
    fn minus_zero_is_zero_in_enums_and_consts() {
        use crate::domain::SchemaType;
        use crate::schema::{Labels, ParseOptions, ParsedSchema};
        let labels = Labels {
            reader: "new",
            writer: "old",
        };
        for (a, b) in [
            (
                r#"{"enum":[-0,2,"3",null,{"a":[]}]}"#,
                r#"{"enum":[0,2,"3",null,{"a":[]}]}"#,
            ),
            (r#"{"const":-0}"#, r#"{"const":0}"#),
        ] {
            let parse = |text| {
                ParsedSchema::parse(SchemaType::Json, text, &[], ParseOptions::default())
                    .expect("parses")
            };
            let (a, b) = (parse(a), parse(b));
            assert!(ParsedSchema::incompatibilities(&a, &b, labels).is_empty());
            assert!(ParsedSchema::incompatibilities(&b, &a, labels).is_empty());
        }
    }
}
