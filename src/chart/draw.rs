//! Drawing: plotters on an in-memory RGB buffer, text with the shipped font, encoded as PNG
//! by the `png` crate. Nothing here decides what to show; `mod.rs` has done that.

use std::sync::OnceLock;

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use super::{mood_word, Band, ChartError, DayMood, Window, HEIGHT, WIDTH};

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`): compiled in so
/// the chart looks the same everywhere and needs no system font.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Our own family name, so nothing else registered with plotters can replace it.
const FAMILY: &str = "rekindle-sans";

/// The bot's embed colour: the line.
const ROSE: RGBColor = RGBColor(0xE8, 0x8D, 0xA0);
/// A deeper rose for the dots, so each answer stands out from the line and the bands.
pub(super) const DEEP_ROSE: RGBColor = RGBColor(0xC2, 0x4E, 0x6B);
/// The two step bands alternate between a rose and an amber tint, light enough for the
/// line to stay the strongest thing on the page.
pub(super) const BAND_ROSE: RGBColor = RGBColor(0xFD, 0xEE, 0xF1);
pub(super) const BAND_AMBER: RGBColor = RGBColor(0xFE, 0xF3, 0xE0);
const BAND_LABEL: RGBColor = RGBColor(0x8A, 0x5A, 0x3C);
const TEXT: RGBColor = RGBColor(0x4A, 0x44, 0x46);
const AXIS: RGBColor = RGBColor(0xB8, 0xAE, 0xB1);
const GRID: RGBColor = RGBColor(0xEA, 0xE3, 0xE5);

/// The y axis runs a little past 5 so the step labels have a strip of their own above the
/// highest mood.
const Y_BOTTOM: f64 = 0.5;
const Y_TOP: f64 = 5.95;
/// Dates on the x axis every two weeks, counted back from today.
const DATE_TICK_DAYS: i64 = 14;

/// The chart as PNG bytes.
pub(super) fn render(
    window: &Window,
    moods: &[DayMood],
    bands: &[Band],
) -> Result<Vec<u8>, ChartError> {
    register_shipped_font()?;
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    draw(&mut rgb, window, moods, bands).map_err(|e| ChartError::Draw(e.to_string()))?;
    encode(&rgb).map_err(ChartError::Encode)
}

/// plotters keeps fonts in a process-wide table; ours goes in once.
fn register_shipped_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    registered.then_some(()).ok_or(ChartError::Font)
}

fn draw(
    rgb: &mut [u8],
    window: &Window,
    moods: &[DayMood],
    bands: &[Band],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;

    let last_day = window.days() - 1;
    let date_ticks: Vec<f64> = (0..=last_day / DATE_TICK_DAYS)
        .map(|n| (last_day - n * DATE_TICK_DAYS) as f64)
        .collect();
    let x_range = Axis::new(-0.5..last_day as f64 + 0.5, date_ticks);
    let y_range = Axis::new(Y_BOTTOM..Y_TOP, vec![1.0, 2.0, 3.0, 4.0, 5.0]);

    let mut chart = ChartBuilder::on(&root)
        .margin_top(14)
        .margin_bottom(10)
        .margin_left(10)
        .margin_right(30)
        .caption(
            format!("Your mood over the last {} days", window.days()),
            (FAMILY, 22).into_font().color(&TEXT),
        )
        .x_label_area_size(30)
        .y_label_area_size(140)
        .build_cartesian_2d(x_range, y_range)?;

    // The step bands go first so everything else is drawn over them.
    chart.draw_series(bands.iter().enumerate().map(|(index, band)| {
        let colour = if index % 2 == 0 {
            BAND_ROSE
        } else {
            BAND_AMBER
        };
        Rectangle::new(
            [
                (band.first_day as f64 - 0.5, Y_BOTTOM),
                (band.last_day as f64 + 0.5, Y_TOP),
            ],
            colour.filled(),
        )
    }))?;

    let label_font = (FAMILY, 15).into_font().color(&TEXT);
    let date_label = |x: &f64| {
        let day = x.round() as i64;
        match window.date(day) {
            Some(_) if day == last_day => "today".to_owned(),
            Some(date) => date.format("%-d %b").to_string(),
            None => String::new(),
        }
    };
    let mood_label = |y: &f64| {
        let mood = y.round().clamp(1.0, 5.0) as u8;
        format!("{}  {mood}", mood_word(mood))
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .x_label_formatter(&date_label)
        .y_label_formatter(&mood_label)
        .label_style(label_font)
        .draw()?;

    // "Step 2" at the top of each band wide enough for it; the number alone where only that
    // fits; nothing where not even that does.
    let band_font = (FAMILY, 15).into_font().color(&BAND_LABEL);
    let band_top = chart.backend_coord(&(0.0, Y_TOP)).1 + 5;
    for band in bands {
        let left = chart.backend_coord(&(band.first_day as f64 - 0.5, Y_TOP)).0;
        let right = chart.backend_coord(&(band.last_day as f64 + 0.5, Y_TOP)).0;
        let room = u32::try_from(right - left).unwrap_or(0);
        let words = format!("Step {}", band.step);
        let number = band.step.to_string();
        let label = [words, number]
            .into_iter()
            .find(|text| fits(&root, text, &band_font, room));
        if let Some(label) = label {
            root.draw(&Text::new(
                label,
                (left + i32::try_from(room / 2).unwrap_or(0), band_top),
                band_font.pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
    }

    let line = moods.iter().map(|m| (m.day as f64, f64::from(m.mood)));
    chart.draw_series(LineSeries::new(line.clone(), ROSE.stroke_width(3)))?;
    chart.draw_series(line.clone().map(|p| Circle::new(p, 6, WHITE.filled())))?;
    chart.draw_series(line.map(|p| Circle::new(p, 4, DEEP_ROSE.filled())))?;

    root.present()?;
    Ok(())
}

/// A linear axis with its labels and grid lines exactly where we say: at whole moods, and
/// at today and every two weeks before it. (plotters' own `with_key_points` cannot take
/// custom labels on an `f64` axis.)
struct Axis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Axis {
    fn new(range: Range<f64>, ticks: Vec<f64>) -> Axis {
        Axis { range, ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let share = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// Whether `text` fits in `room` pixels with a little air either side.
fn fits<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    text: &str,
    font: &TextStyle,
    room: u32,
) -> bool {
    area.estimate_text_size(text, font)
        .is_ok_and(|(width, _)| width + 8 <= room)
}

/// RGB bytes to PNG, fast: the picture is mostly flat colour and compresses well anyway.
fn encode(rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(32 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}
