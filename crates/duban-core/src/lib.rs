//! duban-core: the domain of 督办 — types, rules and use cases.
//!
//! This crate owns the vocabulary every other crate speaks (plans, outline nodes, targets, task
//! drafts; tasks, reports, lights; 督办单, 问责, meetings, reminders and notifications) and the use
//! cases over them. It must not do I/O, talk HTTP or SQL, or read the clock: rules that depend on
//! time take `now` as an argument so tests can play a whole year.

pub mod access;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod meetings;
pub mod notify;
pub mod org;
pub mod plan;
pub mod reminders;
pub mod service;
pub mod store;
pub mod supervision;
pub mod tasks;
