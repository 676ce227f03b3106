//! `duban bench-data`: fills an empty database with a year's worth of work for the load
//! benchmark (`scripts/load.sh`, BENCHMARKS.md): the demo org, users and plan, then a second
//! published plan whose programmes bring the number of leaf tasks to `--tasks`, spread over the
//! units and the two leaders, each with a target; then `--weeks` weeks of weekly reports on every
//! leaf task, submitted through the `Store` (most on time, a few late or missing; all accepted but
//! the last week's, which wait in the 审核 queue, and a few returned). The logins go to
//! `DATA_DIR/demo-logins.txt` as for the demo.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;
use chrono::{DateTime, Duration, Utc};
use duban_core::org::{OrgUnit, OrgUnitKind};
use duban_core::store::{Store, TaskFilter};
use duban_core::tasks::{
    CadenceSettings, Frequency, NewInstruction, NewPlan, NewReport, NewTarget, NewTask,
    TargetValue, TaskRecord, TaskStatus, expected_progress, task_periods,
};

use super::db::{DbArgs, block_on};
use super::demo;

/// Arguments of `duban bench-data`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 叶子任务数 (number of leaf tasks, the demo plan's included).
    #[arg(long, default_value_t = 300)]
    tasks: usize,
    /// 周报周数 (weeks of weekly reports on every leaf task).
    #[arg(long, default_value_t = 52)]
    weeks: usize,
    /// 计时 (instead: time the store and use-case calls behind each page on an existing
    /// bench database, alone, and print the median of each).
    #[arg(long)]
    time_calls: bool,
    #[command(flatten)]
    db: DbArgs,
}

/// Leaf tasks under one generated programme.
const PER_PROGRAMME: usize = 12;

/// The measures the generated tasks are named after (with the programme's number).
const MEASURES: [(&str, &str, &str); 8] = [
    ("新增学位", "个", "完成新增学位建设"),
    ("培训教师", "人次", "开展教师专项培训"),
    ("改造校舍", "平方米", "推进校舍维修改造"),
    ("覆盖学校", "所", "推广课后服务覆盖"),
    ("开展督导", "次", "组织专项督导检查"),
    ("排查隐患", "处", "开展校园安全隐患排查"),
    ("建设功能室", "间", "建设学科功能教室"),
    ("资助学生", "人", "落实学生资助政策"),
];

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    block_on(async {
        let began = Instant::now();
        let store = args.db.connect().await?;
        if args.time_calls {
            return time_calls(&store).await;
        }
        if !store.list_org_units().await?.is_empty() {
            bail!("数据库不是空的：bench-data 只填充空数据库 (the database is not empty)");
        }
        let units = demo::insert_org(&store).await?;
        let logins = demo::insert_users(&store, &units).await?;
        let demo_tasks = demo::insert_plan(&store).await?;
        let demo_leaves = leaves(&demo_tasks).len();
        let extra = args.tasks.saturating_sub(demo_leaves);
        let now = Utc::now();
        let bench_tasks = insert_bench_plan(&store, &units, extra, args.weeks, now).await?;
        let all: Vec<TaskRecord> = demo_tasks.into_iter().chain(bench_tasks).collect();
        let leaf_tasks = leaves(&all);
        let reports = insert_reports(&store, &leaf_tasks, args.weeks, now).await?;
        // Last Monday's meeting and a 督办单, as in the demo (for /meetings/1 and /notices).
        demo::insert_meeting_and_notice(&store, now).await?;
        demo::write_logins(&args.db.data_dir, &logins)?;
        println!(
            "已生成压测数据：{} 项叶子任务，{reports} 份周报，用时 {:.1} 秒；账号见 {}",
            leaf_tasks.len(),
            began.elapsed().as_secs_f64(),
            demo::logins_path(&args.db.data_dir).display()
        );
        anyhow::Ok(ExitCode::SUCCESS)
    })?
}

/// The published tasks without children.
fn leaves(tasks: &[TaskRecord]) -> Vec<&TaskRecord> {
    let parents: HashSet<_> = tasks.iter().filter_map(|t| t.parent).collect();
    tasks
        .iter()
        .filter(|t| !parents.contains(&t.id) && t.status == TaskStatus::Published)
        .collect()
}

/// A second plan with `count` weekly leaf tasks under programmes of `PER_PROGRAMME`, started
/// `weeks` weeks ago and due in a year; published.
async fn insert_bench_plan(
    store: &Arc<dyn Store>,
    units: &[OrgUnit],
    count: usize,
    weeks: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<TaskRecord>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let supervisor = demo::user(store, "duchashi").await?;
    let leaders = [
        demo::user(store, "leader").await?,
        demo::user(store, "leader2").await?,
    ];
    let lead_units: Vec<&OrgUnit> = units
        .iter()
        .filter(|u| u.kind != OrgUnitKind::Bureau)
        .collect();
    if lead_units.is_empty() {
        bail!("没有可交办的单位");
    }
    let start = now.date_naive() - Duration::weeks(i64::try_from(weeks)?);
    let due = now.date_naive() + Duration::days(365);
    let source = "青禾区文教体局压测计划（由 duban bench-data 生成）";
    let plan = store
        .insert_plan(
            &NewPlan::new(source, None, "bench.txt", source, "{}")?,
            Some(supervisor.id),
        )
        .await?;
    let programmes = count.div_ceil(PER_PROGRAMME);
    let mut parents = Vec::with_capacity(programmes);
    for p in 0..programmes {
        let mut task = NewTask::new(
            &format!("压测工程{}：{}", p + 1, MEASURES[p % MEASURES.len()].2),
            start,
            due,
            Frequency::Weekly,
        )?;
        task.path = vec![format!("{}、", p + 1)];
        task.lead_unit = Some(lead_units[p % lead_units.len()].id);
        task.leader = Some(leaders[p % leaders.len()].id);
        parents.push(task.validated()?);
    }
    let parents = store
        .insert_tasks(plan.id, &parents, Some(supervisor.id))
        .await?;
    let mut children = Vec::with_capacity(count);
    for i in 0..count {
        let parent = &parents[i / PER_PROGRAMME];
        let (indicator, unit, action) = MEASURES[i % MEASURES.len()];
        let goal = 20.0 + (i % 17) as f64 * 10.0;
        let mut task = NewTask::new(
            &format!("{action}（第{}项）", i + 1),
            start,
            due,
            Frequency::Weekly,
        )?;
        task.parent = Some(parent.id);
        task.path = vec![
            parent.path.first().cloned().unwrap_or_default(),
            format!("{}.", i % PER_PROGRAMME + 1),
        ];
        task.text = format!("全年{action}，{indicator}不少于{goal}{unit}，按周报送进展。");
        task.lead_unit = Some(lead_units[(i * 7) % lead_units.len()].id);
        task.co_units = vec![lead_units[(i * 7 + 3) % lead_units.len()].id];
        task.leader = parent.leader;
        task.owner_name = Some(format!("责任人{}", i % 40 + 1));
        task.targets = vec![NewTarget::new(
            indicator,
            ">=",
            Some(goal),
            unit,
            &format!("{indicator}不少于{goal}{unit}"),
        )?];
        children.push(task.validated()?);
    }
    // One transaction per programme keeps each insert small.
    for chunk in children.chunks(PER_PROGRAMME) {
        store
            .insert_tasks(plan.id, chunk, Some(supervisor.id))
            .await?;
    }
    // Published when it started, as if the year had been supervised all along.
    store
        .publish_plan(plan.id, start, Some(supervisor.id))
        .await?;
    Ok(store
        .list_tasks(&TaskFilter {
            plan: Some(plan.id),
            ..TaskFilter::default()
        })
        .await?)
}

/// A small deterministic spread per task and week (every run looks alike).
fn spread(task: i64, week: usize) -> i64 {
    (task * 37 + week as i64 * 11) % 100
}

/// The last `weeks` weekly reports of every leaf task, up to `now`; returns how many were stored.
async fn insert_reports(
    store: &Arc<dyn Store>,
    leaves: &[&TaskRecord],
    weeks: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let cadence = CadenceSettings::default();
    let supervisor = demo::user(store, "duchashi").await?;
    let leader = demo::user(store, "leader").await?;
    let mut stored = 0;
    for (n, task) in leaves.iter().enumerate() {
        let periods = task_periods(&task.timeline, now, &cadence);
        let past: Vec<_> = periods.iter().filter(|p| p.due < now).collect();
        let recent = &past[past.len().saturating_sub(weeks)..];
        // Two tasks in five fall behind their pace (yellow and red lights on the pages).
        let behind = match task.id.0 % 5 {
            0 => 30.0,
            1 => 12.0,
            _ => 0.0,
        };
        for (week, period) in recent.iter().enumerate() {
            let roll = spread(task.id.0, week);
            if roll < 5 {
                continue; // missing this week
            }
            let submitted = if roll < 10 {
                period.due + Duration::hours(20)
            } else {
                period.due - Duration::hours(24 + roll % 48)
            };
            let pace = expected_progress(&task.timeline, submitted);
            let percent = (pace - behind + (roll % 6) as f64 - 3.0).clamp(0.0, 100.0);
            let percent = (percent * 10.0).round() / 10.0;
            let mut report = NewReport::new(
                task.id,
                period.start_date(),
                &format!(
                    "第{}周：按计划推进，完成本周既定工作量，累计完成约{percent}%。",
                    week + 1
                ),
                if roll % 4 == 0 {
                    "部分经费尚未到位，需协调计财科。"
                } else {
                    ""
                },
                "继续按序时进度推进，下周完成既定节点。",
                percent,
                roll % 13 == 0,
            )?;
            if let Some(target) = task.targets.first()
                && let Some(goal) = target.target.value
            {
                report = report.with_values(vec![TargetValue {
                    target: target.id,
                    value: (goal * percent / 100.0).round(),
                }])?;
            }
            let saved = store.upsert_report_draft(&report, None).await?;
            store.submit_report(saved.id, submitted, None).await?;
            stored += 1;
            let last = week + 1 == recent.len();
            if last && roll % 9 == 0 {
                store
                    .review_report(
                        saved.id,
                        false,
                        Some("进展情况过于笼统，请补充本周具体完成的工作量和数据。"),
                        Some(supervisor.id),
                    )
                    .await?;
            } else if !last {
                store
                    .review_report(saved.id, true, None, Some(supervisor.id))
                    .await?;
            }
        }
        if n % 10 == 0 {
            store
                .insert_instruction(
                    &NewInstruction::new(task.id, "请抓紧推进，月底前报送阶段成效。")?,
                    Some(leader.id),
                )
                .await?;
        }
    }
    Ok(stored)
}

/// Times `f` `RUNS` times and prints its median in milliseconds with `what`.
async fn timed<T, F, Fut>(what: &str, mut f: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    const RUNS: usize = 15;
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let began = Instant::now();
        last = Some(f().await?);
        times.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("| {what} | {:.2} |", times[RUNS / 2]);
    last.ok_or_else(|| anyhow::anyhow!("no run"))
}

/// `--time-calls`: the median time of each store call and use case behind the benchmarked pages.
async fn time_calls(store: &Arc<dyn Store>) -> anyhow::Result<ExitCode> {
    use duban_core::access::Actor;
    use duban_core::service::tasks::{TaskQuery, assessed_tasks, list_tasks};
    use duban_core::service::{Ctx, overview, reports};
    use duban_core::tasks::{Light, ReportState};

    let cadence = CadenceSettings::default();
    let supervisor = demo::user(store, "duchashi").await?;
    let unit_user = demo::user(store, "jichu").await?;
    let ctx = Ctx {
        store: store.as_ref(),
        actor: Actor::from(&supervisor),
        now: Utc::now(),
        cadence: &cadence,
        snapshots: None,
    };
    let unit_ctx = Ctx {
        actor: Actor::from(&unit_user),
        ..ctx
    };
    println!("| call | median ms |\n|---|---|");
    let tasks = timed("store.list_tasks(all)", || async {
        Ok(store.list_tasks(&TaskFilter::default()).await?)
    })
    .await?;
    let summaries = timed("store.list_report_summaries()", || async {
        Ok(store.list_report_summaries().await?)
    })
    .await?;
    timed(
        "store.list_org_units() + list_users() (Names::load)",
        || async {
            let units = store.list_org_units().await?;
            Ok((units, store.list_users().await?))
        },
    )
    .await?;
    let last = tasks.iter().map(|t| t.id).max();
    if let Some(id) = last {
        timed(&format!("store.list_reports(task {id})"), || async {
            Ok(store.list_reports(id).await?)
        })
        .await?;
        timed(&format!("store.get_task(task {id})"), || async {
            Ok(store.get_task(id).await?)
        })
        .await?;
    }
    let submitted = timed("store.list_reports_in_state(submitted)", || async {
        Ok(store
            .list_reports_in_state(ReportState::Submitted, 0, 50)
            .await?)
    })
    .await?;
    timed("service assessed_tasks(None) (supervisor)", || async {
        Ok(assessed_tasks(&ctx, None).await?)
    })
    .await?;
    timed("service overview::dashboard (page /)", || async {
        Ok(overview::dashboard(&ctx).await?)
    })
    .await?;
    timed("service list_tasks(light=red)", || async {
        Ok(list_tasks(
            &ctx,
            &TaskQuery {
                light: Some(Light::Red),
                ..TaskQuery::default()
            },
        )
        .await?)
    })
    .await?;
    timed(
        "service reports::review_queue (list_reports_in_state + get_task each)",
        || async { Ok(reports::review_queue(&ctx, 0, 50).await?.0) },
    )
    .await?;
    let mine = timed("service list_tasks(unit, leaves) (unit user)", || async {
        Ok(list_tasks(
            &unit_ctx,
            &TaskQuery {
                unit: unit_user.unit,
                leaves_only: true,
                ..TaskQuery::default()
            },
        )
        .await?)
    })
    .await?;
    // The floors, as the server runs them: the shared snapshot cache stays warm (it is
    // reloaded only after a write), but each run is a minute later, so lights, the agenda, the
    // month and the statistics are computed afresh every time, as for the first request of a
    // minute (later ones in that minute are served from the memo).
    let cache = duban_core::service::snapshot::SnapshotCache::default();
    let minute = std::cell::Cell::new(0_i64);
    let cached = || {
        minute.set(minute.get() + 1);
        Ctx {
            snapshots: Some(&cache),
            now: ctx.now + chrono::Duration::minutes(minute.get()),
            ..ctx
        }
    };
    let today = duban_core::tasks::local_date(ctx.now);
    let series = duban_core::service::meetings::series(&ctx).await?;
    if let Some(first) = series.first() {
        let agenda = timed(
            "service meetings::compose_agenda (warm snapshot, new minute)",
            || async {
                Ok(
                    duban_core::service::meetings::compose_agenda(&cached(), first.id, today)
                        .await?,
                )
            },
        )
        .await?;
        println!("| (agenda items: {}) | |", agenda.len());
    }
    timed(
        "service monthly::monthly_summary (warm snapshot, new minute)",
        || async {
            let month = duban_core::service::monthly::Month::of(today);
            Ok(duban_core::service::monthly::monthly_summary(&cached(), month).await?)
        },
    )
    .await?;
    timed(
        "service stats::statistics (warm snapshot, new minute)",
        || async { Ok(duban_core::service::stats::statistics(&cached()).await?) },
    )
    .await?;
    // The scheduler's minute in a working hour: the first run fires what is due (and writes it),
    // the others find it fired — the median is the steady cost serve pays every minute.
    let calendar = duban_core::calendar::WorkCalendar::new(store.list_calendar_days().await?);
    let workday = calendar.workday_on_or_after(today + chrono::Duration::days(1));
    let ten = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(chrono::NaiveTime::MIN);
    let at = duban_core::tasks::local_instant(workday, ten);
    let settings = duban_core::service::scheduler::SchedulerSettings::default();
    let routing = duban_core::service::scheduler::Routing::default();
    let outcome = timed(
        "service scheduler::tick (a working minute, steady state)",
        || async {
            Ok(duban_core::service::scheduler::tick(
                store.as_ref(),
                Some(&cache),
                at,
                &cadence,
                &settings,
                &routing,
            )
            .await?)
        },
    )
    .await?;
    println!(
        "| (last tick: {} reminders, {} notices fired) | |",
        outcome.reminders, outcome.notices
    );
    println!(
        "\n{} tasks, {} report summaries, {} submitted reports waiting, {} tasks on /my of jichu",
        tasks.len(),
        summaries.len(),
        submitted.len(),
        mine.len()
    );
    Ok(ExitCode::SUCCESS)
}
