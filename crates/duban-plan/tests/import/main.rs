//! The one integration-test binary of duban-plan: the importer over real documents and generated
//! fixtures. One module per concern; add modules here rather than new files under `tests/`.

mod corpus;
mod errors;
mod formats;
mod golden;
mod props;
