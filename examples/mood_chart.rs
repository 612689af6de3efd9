//! Draws a sample member's mood chart so a person can look at it:
//! `cargo run --example mood_chart [path]` (default `/tmp/mood_chart_example.png`); prints
//! the alt text.

use chrono::{Days, NaiveDate};
use rekindle::chart::{mood_chart, MoodPoint, StepSpan};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/mood_chart_example.png".to_owned());
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).ok_or("a real date")?;
    let ago = |days: u64| today - Days::new(days);
    // A hard start, a dip in step 3, and slow lifting since: answered on most days, not all.
    let moods = [
        2, 1, 2, 2, 1, 2, 3, 2, 2, 3, 2, 3, 3, 2, 3, 3, 4, 3, 2, 2, 3, 3, 2, 3, 3, 4, 3, 3, 4, 4,
        3, 4, 3, 4, 4, 5, 4, 4, 3, 4, 4, 4, 5, 4,
    ];
    let points: Vec<MoodPoint> = moods
        .iter()
        .enumerate()
        .map(|(i, &mood)| MoodPoint {
            date: ago(86 - 2 * i as u64),
            mood,
        })
        .collect();
    let steps = [
        StepSpan {
            step: 1,
            from: ago(120),
        },
        StepSpan {
            step: 2,
            from: ago(64),
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
    let chart = mood_chart(&points, &steps, today)?.ok_or("fewer than three answers")?;
    std::fs::write(&path, &chart.png)?;
    println!(
        "{path}: {}x{}, {} bytes",
        chart.width,
        chart.height,
        chart.png.len()
    );
    println!("alt text: {}", chart.alt_text);
    Ok(())
}
