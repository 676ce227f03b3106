//! Roll-up: a parent task's progress made from its children's, weighted, with a Chinese sentence
//! that shows the arithmetic so the page can explain the number.
//!
//! Pure arithmetic; it never reads the clock.
//!
//! Definitions: percentages are clamped to 0–100; a weight that is negative, NaN or infinite counts
//! as 0; when every weight is 0 the children count equally (a plain average) and the sentence says
//! so; with no children there is nothing to roll up (`percent` is `None`).

use serde::{Deserialize, Serialize};

use super::model::format_number;

/// One child task as the roll-up sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollUpChild {
    /// Short name shown in the explanation.
    pub name: String,
    /// Weight (default 1; see [`crate::tasks::TaskTimeline::weight`]).
    pub weight: f64,
    /// The child's progress, 0–100.
    pub percent: f64,
}

impl RollUpChild {
    /// A child with weight 1.
    pub fn new(name: impl Into<String>, percent: f64) -> Self {
        RollUpChild {
            name: name.into(),
            weight: 1.0,
            percent,
        }
    }

    /// The same child with `weight`.
    pub fn weighted(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }
}

/// A parent's rolled-up progress and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollUp {
    /// Weighted average of the children, 0–100; `None` without children.
    pub percent: Option<f64>,
    /// "子任务按权重加权：A 40%×2 + B 80%×1 = 53.3%（加权和 160 ÷ 权重合计 3）".
    pub explanation: String,
}

fn usable_weight(weight: f64) -> f64 {
    if weight.is_finite() && weight > 0.0 {
        weight
    } else {
        0.0
    }
}

/// Rolls `children` up into their parent's progress (see the module header).
pub fn rollup(children: &[RollUpChild]) -> RollUp {
    if children.is_empty() {
        return RollUp {
            percent: None,
            explanation: "没有子任务，无法汇总进度".to_owned(),
        };
    }
    let total: f64 = children.iter().map(|c| usable_weight(c.weight)).sum();
    let equal = total <= 0.0;
    let weight_of = |child: &RollUpChild| {
        if equal {
            1.0
        } else {
            usable_weight(child.weight)
        }
    };
    let total = if equal { children.len() as f64 } else { total };
    let weighted_sum: f64 = children
        .iter()
        .map(|c| c.percent.clamp(0.0, 100.0) * weight_of(c))
        .sum();
    let percent = weighted_sum / total;
    let terms: Vec<String> = children
        .iter()
        .map(|c| {
            format!(
                "{} {}%×{}",
                c.name,
                format_number(c.percent.clamp(0.0, 100.0)),
                format_number(weight_of(c))
            )
        })
        .collect();
    let prefix = if equal {
        "子任务权重合计为 0，按简单平均"
    } else {
        "子任务按权重加权"
    };
    RollUp {
        percent: Some(percent),
        explanation: format!(
            "{prefix}：{} = {}%（加权和 {} ÷ 权重合计 {}）",
            terms.join(" + "),
            format_number(percent),
            format_number(weighted_sum),
            format_number(total)
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn rollup_weights_each_child_and_explains_the_sum() {
        let result = rollup(&[
            RollUpChild::new("A", 40.0).weighted(2.0),
            RollUpChild::new("B", 80.0),
        ]);
        let percent = result.percent.unwrap();
        assert!((percent - 160.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            result.explanation,
            "子任务按权重加权：A 40%×2 + B 80%×1 = 53.3%（加权和 160 ÷ 权重合计 3）"
        );
    }

    #[test]
    fn rollup_with_equal_weights_is_the_plain_average() {
        let result = rollup(&[
            RollUpChild::new("甲", 10.0),
            RollUpChild::new("乙", 20.0),
            RollUpChild::new("丙", 60.0),
        ]);
        assert_eq!(result.percent, Some(30.0));
    }

    #[test]
    fn rollup_without_children_has_no_percent() {
        let result = rollup(&[]);
        assert_eq!(result.percent, None);
        assert_eq!(result.explanation, "没有子任务，无法汇总进度");
    }

    #[test]
    fn rollup_with_zero_total_weight_falls_back_to_the_plain_average() {
        let result = rollup(&[
            RollUpChild::new("A", 40.0).weighted(0.0),
            RollUpChild::new("B", 80.0).weighted(-3.0),
        ]);
        assert_eq!(result.percent, Some(60.0));
        assert!(
            result
                .explanation
                .starts_with("子任务权重合计为 0，按简单平均：")
        );
    }

    #[test]
    fn rollup_clamps_out_of_range_percentages_and_ignores_bad_weights() {
        let result = rollup(&[
            RollUpChild::new("A", 150.0),
            RollUpChild::new("B", -20.0),
            RollUpChild::new("C", 50.0).weighted(f64::NAN),
        ]);
        assert_eq!(result.percent, Some(50.0));
    }
}
