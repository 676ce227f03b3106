//! Tasks and their supervision rules: reporting periods and deadlines, on-time reports, 序时进度,
//! the 绿/黄/红 lights with their reasons, and parent roll-up.
//!
//! Everything here is a pure function of the facts passed in. Nothing in this module (or below)
//! reads the clock: `now` is always an argument, which is what lets the tests play a whole year
//! with a fake clock. `duban-core` is built without chrono's `clock` feature to keep it that way.
//!
//! Local time is Asia/Shanghai (fixed UTC+8, see [`model::SHANGHAI`]).

pub mod extras;
pub mod lights;
pub mod model;
pub mod pace;
pub mod records;
pub mod rollup;
pub mod schedule;
#[cfg(test)]
pub(crate) mod testing;

pub use extras::{
    AttachmentId, AttachmentRecord, InstructionId, InstructionRecord, MAX_ATTACHMENT_BYTES,
    Milestone, NewAttachment, NewInstruction, NewRequest, NewTarget, RequestId, RequestKind,
    RequestRecord, RequestState, TargetId, TargetRecord, TargetValue,
};
pub use lights::{Assessment, Light, Reason, ReasonCode, assess, was_late};
pub use model::{
    CadenceSettings, Frequency, PeriodEndDeadline, ReportState, ReportSummary, SHANGHAI, TaskFacts,
    TaskId, TaskStatus, TaskTimeline, WeeklyDeadline, end_of_local_day, format_date, format_local,
    format_number, local_date, local_day_start, local_instant, to_local,
};
pub use pace::{Pace, expected_progress, pace};
pub use records::{
    NewPlan, NewReport, NewTask, Plan, PlanId, RecordError, ReportId, ReportRecord, TaskRecord,
};
pub use rollup::{RollUp, RollUpChild, rollup};
pub use schedule::{
    Period, belongs_to, is_on_time, period_containing, periods_between, report_due, task_periods,
};
