//! Import speed: bytes in, outline + targets + drafts out, through the public `import_bytes`.
//!
//! Two benches (numbers and floors in BENCHMARKS.md):
//! - `sample_plan_bytes_to_drafts`: the shared sample plan (`../shared/plans/000_…txt`), read once at
//!   start-up. Floor: < 5 ms.
//! - `one_megabyte_document`: a ~1 MB plan generated here from our own phrases (sections, items,
//!   targets, pasted pinyin, full-width punctuation), so the big case needs no shared file and
//!   copies no document's text. Floor: < 200 ms on one core.
//!
//! Run: `cargo bench -j2 -p duban-plan --bench import`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use duban_plan::{ImportOptions, import_bytes};

/// The shared sample plan, relative to this crate.
fn sample_plan_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/plans/000_7c068f91f998bae7.txt")
}

fn sample_plan(c: &mut Criterion) {
    let path = sample_plan_path();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            // The shared folder is a sibling of the repository; without it only this bench is
            // skipped, so the synthetic one still runs.
            eprintln!(
                "skipping sample_plan_bytes_to_drafts: cannot read {}: {e}",
                path.display()
            );
            return;
        }
    };
    let options = ImportOptions::default();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("sample_plan_bytes_to_drafts", |b| {
        b.iter(|| import_bytes(black_box(&bytes), "000_7c068f91f998bae7.txt", &options))
    });
    group.finish();
}

fn one_megabyte(c: &mut Criterion) {
    let text = synthetic_plan(1024 * 1024);
    let bytes = text.into_bytes();
    // `DUBAN_BENCH_DUMP=FILE` writes the document out, to run `duban import FILE` under a profiler
    // or `valgrind --tool=callgrind` (instruction counts do not vary with the machine's load).
    if let Some(path) = std::env::var_os("DUBAN_BENCH_DUMP")
        && let Err(e) = std::fs::write(&path, &bytes)
    {
        eprintln!("cannot write {}: {e}", path.to_string_lossy());
    }
    let options = ImportOptions::default();
    // Say what is being measured, and never time the error path by mistake.
    match import_bytes(&bytes, "synthetic.txt", &options) {
        Ok(plan) => eprintln!(
            "one_megabyte_document: {} bytes → {} nodes, {} targets, {} drafts",
            bytes.len(),
            plan.walk_nodes().len(),
            plan.targets.len(),
            plan.drafts.len()
        ),
        Err(e) => {
            eprintln!("skipping one_megabyte_document: the import failed: {e}");
            return;
        }
    }
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("one_megabyte_document", |b| {
        b.iter(|| import_bytes(black_box(&bytes), "synthetic.txt", &options))
    });
    group.finish();
}

/// A deterministic plan of at least `min_bytes` UTF-8 bytes: a title, then sections `一、`… each
/// with items `1、`… whose sentences carry targets, hedges, deadlines, responsible units and, now
/// and then, traditional characters with pasted pinyin (`區(qū)`) the cleaner has to remove.
fn synthetic_plan(min_bytes: usize) -> String {
    const TOPICS: &[&str] = &[
        "学前教育普及普惠工程",
        "义务教育均衡发展工程",
        "教师队伍建设工程",
        "校园安全保障工程",
        "教育信息化提升工程",
        "体育艺术卫生工程",
        "职业教育与社区教育工程",
        "教育督导评价改革工程",
    ];
    const ACTIONS: &[&str] = &[
        "加快推进",
        "统筹实施",
        "全面落实",
        "持续深化",
        "认真组织",
        "稳步开展",
    ];
    const OBJECTS: &[&str] = &[
        "公办幼儿园建设",
        "薄弱学校改造",
        "教师交流轮岗",
        "校舍安全排查",
        "智慧校园建设",
        "学生体质健康监测",
        "课后服务工作",
        "家庭教育指导",
    ];
    // Targets phrased the ways plans phrase them: a count after a verb, a rate with a floor, a
    // ceiling, a range, an amount in 万/亿.
    const TARGETS: &[&str] = &[
        "新建幼儿园{n}所",
        "学前三年入园率达到{p}%以上",
        "教师交流比例不低于{p2}%",
        "改造校舍{n}万平方米",
        "培训骨干教师{n}00人次",
        "近视率控制在{p2}%以内",
        "投入资金{n}.5亿元",
        "建成标准化食堂{n}个",
        "体质健康合格率保持在{p}%左右",
        "每个街道建设社区学校{n}所",
    ];
    const HEDGES: &[&str] = &["", "力争", "确保", "争取"];
    const DEADLINES: &[&str] = &["", "年底前", "6月底前", "到2027年", "9月开学前"];
    const UNITS: &[&str] = &[
        "学前教育科",
        "基础教育科",
        "人事科",
        "体卫艺科",
        "计财科",
        "安全科",
        "基建科",
        "电教馆",
    ];
    // Traditional characters with pinyin pasted after them, as web copies of plans carry.
    const PINYIN: &[&str] = &[
        "區(qū)",
        "縣(xiàn)",
        "學(xué)",
        "園(yuán)",
        "實(shí)",
        "發(fā)",
    ];

    let mut rng = Lcg(0x5eed_2026);
    let mut out = String::with_capacity(min_bytes + 4096);
    out.push_str("某区教育局2026年工作意见\n\n");
    out.push_str("为全面贯彻落实教育发展规划，推动教育高质量发展，现提出如下意见。\n\n");
    let mut section = 0u32;
    while out.len() < min_bytes {
        section += 1;
        let topic = TOPICS[rng.below(TOPICS.len())];
        out.push_str(&format!("{}、实施{topic}\n", chinese_number(section)));
        for item in 1..=rng.below(6) as u32 + 3 {
            let object = OBJECTS[rng.below(OBJECTS.len())];
            out.push_str(&format!("{item}、{object}。"));
            for _ in 0..rng.below(3) + 2 {
                let target = TARGETS[rng.below(TARGETS.len())]
                    .replace("{n}", &(rng.below(20) + 1).to_string())
                    .replace("{p2}", &(rng.below(20) + 5).to_string())
                    .replace("{p}", &(rng.below(10) + 90).to_string());
                let pinyin = if rng.below(4) == 0 {
                    PINYIN[rng.below(PINYIN.len())]
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{}{}{pinyin}{}，{}{target}。",
                    DEADLINES[rng.below(DEADLINES.len())],
                    ACTIONS[rng.below(ACTIONS.len())],
                    object,
                    HEDGES[rng.below(HEDGES.len())],
                ));
            }
            out.push_str(&format!(
                "（责任科室：{}）\n",
                UNITS[rng.below(UNITS.len())]
            ));
        }
        out.push('\n');
    }
    out
}

/// `1` → `一`, `10` → `十`, `21` → `二十一`, up to 999.
fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (hundreds, tens, ones) = (n / 100, n / 10 % 10, n % 10);
    let mut s = String::new();
    if hundreds > 0 {
        s.push_str(DIGITS[hundreds as usize]);
        s.push('百');
        if tens == 0 && ones > 0 {
            s.push('零');
        }
    }
    if tens > 0 {
        if !(tens == 1 && hundreds == 0) {
            s.push_str(DIGITS[tens as usize]);
        }
        s.push('十');
    }
    if ones > 0 {
        s.push_str(DIGITS[ones as usize]);
    }
    s
}

/// A tiny linear congruential generator: the document must be the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

criterion_group!(benches, sample_plan, one_megabyte);
criterion_main!(benches);
