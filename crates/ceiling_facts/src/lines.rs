//! What every frontend needs of a source's raw text: lines and columns of byte offsets, and how
//! deeply it nests.

use crate::Span;

pub struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<u32>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|at| at as u32 + 1)).collect();
        LineIndex { source, starts }
    }

    pub fn lines(&self) -> u32 {
        self.starts.len() as u32
    }

    /// The span from byte `start` to byte `end`, with the line and column of its start.
    /// The source between two byte offsets.
    pub fn text(&self, start: u32, end: u32) -> &'s str {
        &self.source[start as usize..end as usize]
    }

    pub fn range(&self, start: u32, end: u32) -> Span {
        let line = self.starts.partition_point(|at| *at <= start);
        let line_start = self.starts[line - 1] as usize;
        let col = self.source[line_start..start as usize].chars().count() as u32 + 1;
        Span { start, end, line: line as u32, col }
    }
}

/// Files nested deeper than this are refused rather than risk the stack of a recursive parser.
pub const MAX_NESTING: usize = 1_000;

/// An upper bound on how deeply brackets nest, counted without parsing. Brackets inside strings
/// and comments count too, which only makes the bound more cautious. Table-driven and branch-free
/// in the loop, since it reads every byte of every file.
pub fn nesting_depth(source: &str) -> usize {
    const DELTA: [i32; 256] = {
        let mut table = [0; 256];
        table[b'(' as usize] = 1;
        table[b'[' as usize] = 1;
        table[b'{' as usize] = 1;
        table[b')' as usize] = -1;
        table[b']' as usize] = -1;
        table[b'}' as usize] = -1;
        table
    };
    let (mut depth, mut max) = (0i32, 0i32);
    for &byte in source.as_bytes() {
        depth = (depth + DELTA[byte as usize]).max(0);
        max = max.max(depth);
    }
    max as usize
}
