//! Byte offsets to 1-based lines and columns, for every frontend.

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
    pub fn range(&self, start: u32, end: u32) -> Span {
        let line = self.starts.partition_point(|at| *at <= start);
        let line_start = self.starts[line - 1] as usize;
        let col = self.source[line_start..start as usize].chars().count() as u32 + 1;
        Span { start, end, line: line as u32, col }
    }
}
