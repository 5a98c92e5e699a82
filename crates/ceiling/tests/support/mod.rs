//! Helpers shared by the integration tests. Each test binary that says `mod support;` compiles this
//! module on its own and uses only part of it, hence the `dead_code` allowance.

#[allow(dead_code)]
pub mod postgres;

#[allow(dead_code)]
pub mod http;

#[allow(dead_code)]
pub mod node;

#[allow(dead_code)]
pub mod examples;
