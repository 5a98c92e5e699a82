//! Byte offsets to 1-based lines and columns.

use ceiling_facts::Span;

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

    pub fn span(&self, span: oxc_span::Span) -> Span {
        let line = self.starts.partition_point(|start| *start <= span.start);
        let line_start = self.starts[line - 1] as usize;
        let col = self.source[line_start..span.start as usize].chars().count() as u32 + 1;
        Span { start: span.start, end: span.end, line: line as u32, col }
    }
}
