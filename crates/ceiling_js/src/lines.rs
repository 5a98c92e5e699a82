//! oxc's spans to ceiling's: the shared line index, read with oxc's span type.

pub use ceiling_facts::LineIndex;

/// `lines.span(oxc_span)`: the line index takes oxc's spans as they come.
pub trait OxcSpans {
    fn span(&self, span: oxc_span::Span) -> ceiling_facts::Span;
}

impl OxcSpans for LineIndex<'_> {
    fn span(&self, span: oxc_span::Span) -> ceiling_facts::Span {
        self.range(span.start, span.end)
    }
}
