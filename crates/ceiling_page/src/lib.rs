//! What the measuring commands (`ceiling grow`, `ceiling load`) share to show their results: [`html`], one
//! self-contained page with log-log SVG charts of milliseconds against rows or a request rate, and [`units`], the
//! short numbers ("41 ms", "1k") that the page and the terminal reports print; and [`output`], their
//! `--format json` read back for `ceiling report`.

pub mod html;
pub mod output;
pub mod units;
