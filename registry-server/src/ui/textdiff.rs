//! A bounded line diff (longest common subsequence) for the side-by-side view: the common
//! head and tail are matched first, then the middle by dynamic programming when its table
//! fits [`MAX_CELLS`]; past that (or past [`MAX_LINES`]) the middle is shown as removed
//! then added, and the diff says it is approximate. Work and memory are bounded whatever
//! the input.

/// Most lines per side compared at all.
pub const MAX_LINES: usize = 20_000;

/// Largest LCS table (rows × columns of the differing middle): 4 MiB of `u16`s.
pub const MAX_CELLS: usize = 2 * 1024 * 1024;

/// One step of the diff: indexes into the left and right line lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The steps, and whether the middle was too large to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDiff {
    pub ops: Vec<Op>,
    pub approximate: bool,
}

/// Diffs `left` against `right`.
#[must_use]
pub fn diff_lines(left: &[&str], right: &[&str]) -> LineDiff {
    let head = left.iter().zip(right).take_while(|(a, b)| a == b).count();
    let tail = left[head..]
        .iter()
        .rev()
        .zip(right[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    let (l_mid, r_mid) = (
        &left[head..left.len() - tail],
        &right[head..right.len() - tail],
    );
    let fits = l_mid.len() <= MAX_LINES
        && r_mid.len() <= MAX_LINES
        && (l_mid.len() + 1).saturating_mul(r_mid.len() + 1) <= MAX_CELLS;
    if fits {
        lcs(l_mid, r_mid, head, &mut ops);
    } else {
        ops.extend((0..l_mid.len()).map(|i| Op::Removed(head + i)));
        ops.extend((0..r_mid.len()).map(|j| Op::Added(head + j)));
    }
    let (l_tail, r_tail) = (left.len() - tail, right.len() - tail);
    ops.extend((0..tail).map(|k| Op::Same(l_tail + k, r_tail + k)));
    LineDiff {
        ops,
        approximate: !fits,
    }
}

/// Appends the LCS alignment of `a` and `b` (offset by `at` in both inputs) to `ops`.
fn lcs(a: &[&str], b: &[&str], at: usize, ops: &mut Vec<Op>) {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // table[i][j]: LCS length of a[i..] and b[j..], saturating (lengths past u16 only make
    // the alignment less than optimal, never wrong).
    let mut table = vec![0u16; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * width + j] = if a[i] == b[j] {
                table[(i + 1) * width + j + 1].saturating_add(1)
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push(Op::Same(at + i, at + j));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            ops.push(Op::Removed(at + i));
            i += 1;
        } else {
            ops.push(Op::Added(at + j));
            j += 1;
        }
    }
    ops.extend((i..n).map(|i| Op::Removed(at + i)));
    ops.extend((j..m).map(|j| Op::Added(at + j)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.lines().collect()
    }

    /// The left and right texts rebuilt from the ops.
    fn rebuild<'a>(diff: &LineDiff, a: &[&'a str], b: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for op in &diff.ops {
            match *op {
                Op::Same(i, j) => {
                    assert_eq!(a[i], b[j]);
                    left.push(a[i]);
                    right.push(b[j]);
                }
                Op::Removed(i) => left.push(a[i]),
                Op::Added(j) => right.push(b[j]),
            }
        }
        (left, right)
    }

    #[test]
    fn a_changed_field_is_one_removal_and_one_addition() {
        let a = lines("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}");
        let b = lines("{\n  \"a\": 1,\n  \"b\": 20,\n  \"c\": 3,\n  \"d\": 4\n}");
        let diff = diff_lines(&a, &b);
        assert!(!diff.approximate);
        let changed: Vec<Op> = diff
            .ops
            .iter()
            .copied()
            .filter(|op| !matches!(op, Op::Same(..)))
            .collect();
        assert_eq!(
            changed,
            vec![
                Op::Removed(2),
                Op::Removed(3),
                Op::Added(2),
                Op::Added(3),
                Op::Added(4)
            ]
        );
        assert_eq!(rebuild(&diff, &a, &b), (a.clone(), b.clone()));
    }

    #[test]
    fn the_alignment_is_a_longest_common_subsequence() {
        let a = lines("x\na\nb\nc\ny\nd");
        let b = lines("a\nq\nb\nd\nc\nz");
        let diff = diff_lines(&a, &b);
        let same = diff
            .ops
            .iter()
            .filter(|op| matches!(op, Op::Same(..)))
            .count();
        assert_eq!(same, 3, "{:?}", diff.ops);
        assert_eq!(rebuild(&diff, &a, &b), (a, b));
    }

    #[test]
    fn empty_and_identical_inputs() {
        assert_eq!(diff_lines(&[], &[]).ops, vec![]);
        let a = lines("one\ntwo");
        assert_eq!(diff_lines(&a, &a).ops, vec![Op::Same(0, 0), Op::Same(1, 1)]);
        assert_eq!(
            diff_lines(&a, &[]).ops,
            vec![Op::Removed(0), Op::Removed(1)]
        );
    }

    #[test]
    fn a_huge_middle_is_approximate_and_still_complete() {
        let a: Vec<String> = (0..3000).map(|i| format!("left {i}")).collect();
        let b: Vec<String> = (0..3000).map(|i| format!("right {i}")).collect();
        let (a, b): (Vec<&str>, Vec<&str>) = (
            a.iter().map(String::as_str).collect(),
            b.iter().map(String::as_str).collect(),
        );
        let diff = diff_lines(&a, &b);
        assert!(diff.approximate);
        assert_eq!(diff.ops.len(), 6000);
        assert_eq!(rebuild(&diff, &a, &b), (a, b));
    }
}
