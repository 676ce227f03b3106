//! The one end-to-end test binary of `duban`: runs the real executable. One module per area.

mod cli;
mod crash;
mod e2e;
mod serve;
mod store_cli;
mod support;
