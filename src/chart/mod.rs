//! The mood chart: a member's moods over the last 90 days, drawn as a PNG with the steps
//! they were in marked as bands, and a plain-language description of it for screen readers.
//!
//! Pure: no database, no Discord, no clock reads (today is an input), no system fonts and
//! no network; the one font it uses ships in `assets/fonts/` and is compiled in. It never
//! panics on what it is given: moods outside 1 to 5, steps outside 1 to 7 and dates outside
//! the window are left out, duplicates are drawn as they come. Rendering takes a few
//! milliseconds of CPU (`cargo bench --bench chart`), so an async caller may prefer
//! `spawn_blocking`.

mod describe;
mod draw;
#[cfg(test)]
mod tests;

use chrono::{Days, NaiveDate};
use thiserror::Error;

/// The chart's width in pixels.
pub const WIDTH: u32 = 800;
/// The chart's height in pixels.
pub const HEIGHT: u32 = 400;
/// How many days the chart covers, today included, at the right edge.
pub const WINDOW_DAYS: u32 = 90;
/// Fewer answers than this in the window draw no chart: three dots are not yet a curve.
pub const MIN_POINTS: usize = 3;
/// The longest alt text we write, in characters (Discord allows 1024 for an attachment's
/// description; a screen reader user should not have to sit through that).
pub const MAX_ALT_TEXT_CHARS: usize = 300;

/// One answered check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoodPoint {
    pub date: NaiveDate,
    /// 1 (really struggling) to 5 (really good); anything else is left out.
    pub mood: u8,
}

/// The member entered `step` on `from` and stayed in it until the next span's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepSpan {
    /// 1 to 7; a span with any other step is left out.
    pub step: u8,
    pub from: NaiveDate,
}

/// A drawn chart, ready to attach.
#[derive(Clone, PartialEq, Eq)]
pub struct Chart {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// What the chart shows, in words: the attachment's description.
    pub alt_text: String,
}

/// A chart's bytes are no use in a log; its size and description are.
impl std::fmt::Debug for Chart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chart")
            .field("png", &format_args!("{} bytes", self.png.len()))
            .field("width", &self.width)
            .field("height", &self.height)
            .field("alt_text", &self.alt_text)
            .finish()
    }
}

impl Chart {
    /// For a member who has finished the program: the description ends by saying so, not
    /// with the step they were last in.
    pub fn finished(mut self) -> Chart {
        self.alt_text = describe::finished(&self.alt_text);
        self
    }
}

/// Why a chart could not be drawn: a defect on our side, never the member's data.
#[derive(Debug, Error)]
pub enum ChartError {
    #[error("the chart's font could not be read")]
    Font,
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    #[error("the chart could not be encoded as PNG")]
    Encode(#[source] png::EncodingError),
}

/// The member's mood chart for the 90 days ending `today`, or `None` when fewer than
/// [`MIN_POINTS`] answers fall in that window (the caller says a kind word instead).
///
/// `points` and `steps` may come in any order; see the module doc for what is left out.
pub fn mood_chart(
    points: &[MoodPoint],
    steps: &[StepSpan],
    today: NaiveDate,
) -> Result<Option<Chart>, ChartError> {
    let window = Window::ending(today);
    let moods = window.moods(points);
    if moods.len() < MIN_POINTS {
        return Ok(None);
    }
    let bands = window.bands(steps);
    let alt_text = describe::alt_text(&moods, current_step(steps, today));
    let png = draw::render(&window, &moods, &bands)?;
    Ok(Some(Chart {
        png,
        width: WIDTH,
        height: HEIGHT,
        alt_text,
    }))
}

/// The days the chart covers. Days are counted from `first`, so the x axis is plain numbers
/// and `today` is `days - 1`.
#[derive(Debug, Clone, Copy)]
struct Window {
    first: NaiveDate,
    today: NaiveDate,
}

/// A mood on a day of the window.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DayMood {
    day: i64,
    mood: u8,
}

/// The days of the window (inclusive) that the member spent in `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Band {
    step: u8,
    first_day: i64,
    last_day: i64,
}

impl Window {
    fn ending(today: NaiveDate) -> Window {
        // Only a date within 90 days of the calendar's very start has no full window.
        let first = today
            .checked_sub_days(Days::new(u64::from(WINDOW_DAYS - 1)))
            .unwrap_or(NaiveDate::MIN);
        Window { first, today }
    }

    /// How many days the x axis spans: 90, unless the calendar starts sooner.
    fn days(&self) -> i64 {
        self.day(self.today) + 1
    }

    fn day(&self, date: NaiveDate) -> i64 {
        (date - self.first).num_days()
    }

    fn date(&self, day: i64) -> Option<NaiveDate> {
        let day = u64::try_from(day).ok()?;
        self.first.checked_add_days(Days::new(day))
    }

    fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.today
    }

    /// The valid moods inside the window, oldest first (same-day answers keep their order).
    fn moods(&self, points: &[MoodPoint]) -> Vec<DayMood> {
        let mut moods: Vec<DayMood> = points
            .iter()
            .filter(|point| (1..=5).contains(&point.mood) && self.contains(point.date))
            .map(|point| DayMood {
                day: self.day(point.date),
                mood: point.mood,
            })
            .collect();
        moods.sort_by_key(|mood| mood.day);
        moods
    }

    /// The part of each step span that lies inside the window, oldest first.
    fn bands(&self, steps: &[StepSpan]) -> Vec<Band> {
        let spans = valid_spans(steps, self.today);
        let mut bands = Vec::with_capacity(spans.len());
        for (index, span) in spans.iter().enumerate() {
            let until = match spans.get(index + 1) {
                // Two spans on one day: the later one in the list is where the member landed.
                Some(next) if next.from == span.from => continue,
                Some(next) => next.from.pred_opt().unwrap_or(next.from),
                None => self.today,
            };
            if until < self.first {
                continue;
            }
            bands.push(Band {
                step: span.step,
                first_day: self.day(span.from.max(self.first)),
                last_day: self.day(until),
            });
        }
        bands
    }
}

/// Spans with a real step that began by `today`, oldest first (stable, so the input's order
/// settles ties).
fn valid_spans(steps: &[StepSpan], today: NaiveDate) -> Vec<StepSpan> {
    let mut spans: Vec<StepSpan> = steps
        .iter()
        .filter(|span| (1..=7).contains(&span.step) && span.from <= today)
        .copied()
        .collect();
    spans.sort_by_key(|span| span.from);
    spans
}

/// The step the member is in today, if the spans say.
fn current_step(steps: &[StepSpan], today: NaiveDate) -> Option<u8> {
    valid_spans(steps, today).last().map(|span| span.step)
}

/// The word for each mood, as on the check-in's mood select.
fn mood_word(mood: u8) -> &'static str {
    match mood {
        1 => "really struggling",
        2 => "low",
        3 => "okay",
        4 => "good",
        _ => "really good",
    }
}
