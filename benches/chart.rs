//! The mood chart that `/program status` attaches: 90 days with an answer each day and four
//! steps, drawn and encoded as PNG. The target is under 20 ms a render.
//! `cargo bench --bench chart`.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use rekindle::chart::{mood_chart, MoodPoint, StepSpan};

fn render(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).expect("a real date");
    let ago = |days: u64| today - Days::new(days);
    let points: Vec<MoodPoint> = (0..90u64)
        .map(|day| MoodPoint {
            date: ago(89 - day),
            mood: [2, 3, 2, 4, 3, 4, 5][day as usize % 7],
        })
        .collect();
    let steps = [
        StepSpan {
            step: 1,
            from: ago(89),
        },
        StepSpan {
            step: 2,
            from: ago(65),
        },
        StepSpan {
            step: 3,
            from: ago(40),
        },
        StepSpan {
            step: 4,
            from: ago(12),
        },
    ];
    c.bench_function("mood chart: 90 points, 4 steps, PNG", |b| {
        b.iter(|| {
            mood_chart(black_box(&points), black_box(&steps), today)
                .expect("drawn")
                .map(|chart| chart.png.len())
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
