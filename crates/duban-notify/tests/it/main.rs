//! The one integration-test binary of duban-notify: deliveries to real local peers (an HTTP
//! receiver standing in for the robots, an SMTP sink standing in for the mail server) and the
//! pure functions of the public API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod email;
mod pure;
mod support;
mod webhook;
