use chrono::{Days, NaiveDate};

use super::draw::{BAND_AMBER, BAND_ROSE, DEEP_ROSE};
use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).expect("a real date")
}

fn days_ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

/// One answer a day, the last one today: `moods[0]` was `moods.len() - 1` days ago.
fn daily(moods: &[u8]) -> Vec<MoodPoint> {
    let count = moods.len() as u64;
    moods
        .iter()
        .enumerate()
        .map(|(i, &mood)| MoodPoint {
            date: days_ago(count - 1 - i as u64),
            mood,
        })
        .collect()
}

fn step(step: u8, days: u64) -> StepSpan {
    StepSpan {
        step,
        from: days_ago(days),
    }
}

fn chart(points: &[MoodPoint], steps: &[StepSpan]) -> Chart {
    mood_chart(points, steps, today())
        .expect("drawn")
        .expect("enough answers for a chart")
}

fn alt_text(moods: &[u8]) -> String {
    chart(&daily(moods), &[]).alt_text
}

/// The decoded picture: width, height and RGB pixels.
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .expect("a PNG header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut buffer).expect("one frame");
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    let pixels = buffer[..frame.buffer_size()]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (frame.width, frame.height, pixels)
}

fn count(pixels: &[[u8; 3]], colour: plotters::style::RGBColor) -> usize {
    let wanted = [colour.0, colour.1, colour.2];
    pixels.iter().filter(|p| **p == wanted).count()
}

#[test]
fn the_chart_is_a_png_of_800_by_400() {
    let drawn = chart(&daily(&[2, 3, 4]), &[step(1, 10)]);
    assert_eq!((drawn.width, drawn.height), (WIDTH, HEIGHT));
    assert_eq!((WIDTH, HEIGHT), (800, 400));
    let (width, height, pixels) = decode(&drawn.png);
    assert_eq!((width, height), (800, 400));
    assert_eq!(pixels.len(), 800 * 400);
}

#[test]
fn each_answer_is_a_dot_and_the_steps_are_bands_in_turn() {
    let (_, _, one_step) = decode(&chart(&daily(&[2, 3, 4]), &[step(1, 60)]).png);
    let (_, _, two_steps) = decode(&chart(&daily(&[2, 3, 4]), &[step(1, 60), step(2, 30)]).png);
    let (_, _, no_steps) = decode(&chart(&daily(&[2, 3, 4]), &[]).png);
    assert!(count(&no_steps, DEEP_ROSE) > 3 * 20, "three dots");
    assert_eq!(count(&no_steps, BAND_ROSE), 0);
    assert!(count(&one_step, BAND_ROSE) > 10_000);
    assert_eq!(count(&one_step, BAND_AMBER), 0);
    assert!(count(&two_steps, BAND_AMBER) > 10_000);
}

#[test]
fn fewer_than_three_answers_draw_no_chart() {
    assert_eq!(mood_chart(&[], &[], today()).ok(), Some(None));
    assert_eq!(
        mood_chart(&daily(&[3, 4]), &[step(2, 5)], today()).ok(),
        Some(None)
    );
    assert!(matches!(
        mood_chart(&daily(&[3, 4, 5]), &[], today()),
        Ok(Some(_))
    ));
}

#[test]
fn answers_older_than_90_days_are_left_out() {
    let mut points = daily(&[1, 1, 1, 1, 1]);
    for point in &mut points {
        point.date = point.date - Days::new(90);
    }
    points.extend(daily(&[4, 4]));
    assert_eq!(mood_chart(&points, &[], today()).ok(), Some(None));

    // The day 89 days ago is the window's first; the day before it is not.
    points.push(MoodPoint {
        date: days_ago(89),
        mood: 2,
    });
    let text = chart(&points, &[]).alt_text;
    assert!(
        text.contains("3 check-ins, between 2 (low) and 4 (good)"),
        "{text}"
    );
}

#[test]
fn answers_dated_after_today_are_left_out() {
    let mut points = daily(&[3, 3]);
    points.push(MoodPoint {
        date: today() + Days::new(1),
        mood: 5,
    });
    assert_eq!(mood_chart(&points, &[], today()).ok(), Some(None));
}

#[test]
fn moods_that_climb_read_as_mostly_rising() {
    let text = alt_text(&[2, 2, 3, 2, 3, 3, 4, 3, 4, 4]);
    assert_eq!(
        text,
        "Mood over the last 90 days: 10 check-ins, between 2 (low) and 4 (good), mostly rising; \
         the latest is 4 (good)."
    );
}

#[test]
fn moods_that_sink_read_as_mostly_falling() {
    let text = alt_text(&[4, 4, 3, 4, 3, 2, 3, 2]);
    assert!(
        text.contains("mostly falling; the latest is 2 (low)"),
        "{text}"
    );
}

#[test]
fn moods_that_hold_read_as_fairly_steady() {
    assert!(
        alt_text(&[3, 3, 4, 3, 3, 4, 3]).contains("between 3 (okay) and 4 (good), fairly steady")
    );
    assert!(alt_text(&[3, 3, 3]).contains("3 check-ins, all at 3 (okay), fairly steady"));
}

#[test]
fn moods_that_swing_with_no_direction_read_as_up_and_down() {
    let text = alt_text(&[1, 5, 1, 5, 1, 5, 1, 5, 1]);
    assert!(
        text.contains("between 1 (really struggling) and 5 (really good), up and down"),
        "{text}"
    );
}

#[test]
fn a_few_answers_spread_over_the_window_still_show_their_direction() {
    let points = [
        MoodPoint {
            date: days_ago(80),
            mood: 1,
        },
        MoodPoint {
            date: days_ago(40),
            mood: 3,
        },
        MoodPoint {
            date: days_ago(2),
            mood: 4,
        },
    ];
    assert!(chart(&points, &[]).alt_text.contains("mostly rising"));
}

#[test]
fn the_alt_text_names_the_step_the_member_is_in_now() {
    let steps = [step(3, 20), step(1, 200), step(2, 100)];
    let text = chart(&daily(&[3, 3, 3]), &steps).alt_text;
    assert!(
        text.ends_with("the latest is 3 (okay). Now in step 3."),
        "{text}"
    );
}

#[test]
fn the_alt_text_stays_short_with_a_thousand_answers() {
    let moods: Vec<u8> = (0..1000).map(|i| [1, 5, 2, 4][i % 4]).collect();
    let mut points = daily(&moods);
    for (i, point) in points.iter_mut().enumerate() {
        point.date = days_ago(i as u64 % 90);
    }
    let text = chart(&points, &[step(7, 3)]).alt_text;
    assert!(text.contains("1000 check-ins"), "{text}");
    assert!(text.chars().count() <= MAX_ALT_TEXT_CHARS, "{text}");
}

#[test]
fn a_step_begun_before_the_window_is_a_band_from_its_first_day() {
    let window = Window::ending(today());
    let bands = window.bands(&[step(1, 300), step(2, 120), step(3, 30)]);
    assert_eq!(
        bands,
        [
            Band {
                step: 2,
                first_day: 0,
                last_day: 58
            },
            Band {
                step: 3,
                first_day: 59,
                last_day: 89
            },
        ]
    );
}

#[test]
fn of_two_steps_on_one_day_the_later_one_counts() {
    let window = Window::ending(today());
    let steps = [step(4, 10), step(5, 10)];
    assert_eq!(
        window.bands(&steps),
        [Band {
            step: 5,
            first_day: 79,
            last_day: 89
        }]
    );
    assert!(chart(&daily(&[3, 3, 3]), &steps)
        .alt_text
        .ends_with("Now in step 5."));
}

#[test]
fn steps_outside_one_to_seven_or_still_ahead_are_left_out() {
    let window = Window::ending(today());
    let ahead = StepSpan {
        step: 3,
        from: today() + Days::new(2),
    };
    let steps = [step(0, 50), step(2, 40), step(8, 20), step(255, 10), ahead];
    assert_eq!(
        window.bands(&steps),
        [Band {
            step: 2,
            first_day: 49,
            last_day: 89
        }]
    );
    assert!(chart(&daily(&[3, 3, 3]), &steps)
        .alt_text
        .ends_with("Now in step 2."));
}

#[test]
fn moods_outside_one_to_five_are_left_out() {
    let points = daily(&[0, 6, 255, 2, 3]);
    assert_eq!(mood_chart(&points, &[], today()).ok(), Some(None));
    assert_eq!(
        alt_text(&[0, 6, 2, 255, 3, 4]),
        "Mood over the last 90 days: 3 check-ins, between 2 (low) and 4 (good), mostly rising; \
         the latest is 4 (good)."
    );
}

#[test]
fn garbage_input_draws_or_declines_but_never_panics() {
    let on_one_day: Vec<MoodPoint> = (0..50)
        .map(|i| MoodPoint {
            date: today(),
            mood: (i % 7) as u8,
        })
        .collect();
    let steps_everywhere: Vec<StepSpan> = (0..200u64)
        .map(|i| StepSpan {
            step: (i % 9) as u8,
            from: days_ago(i),
        })
        .collect();
    let scrambled: Vec<MoodPoint> = daily(&[5, 1, 4, 2, 3, 0, 9])
        .into_iter()
        .rev()
        .chain(daily(&[1, 2]))
        .collect();
    let one_day_steps = [step(1, 0), step(2, 0), step(3, 0)];
    for today in [
        today(),
        NaiveDate::MIN,
        NaiveDate::MAX,
        NaiveDate::MIN + Days::new(3),
    ] {
        let far = [
            MoodPoint {
                date: NaiveDate::MIN,
                mood: 3,
            },
            MoodPoint {
                date: NaiveDate::MAX,
                mood: 3,
            },
            MoodPoint {
                date: today,
                mood: 1,
            },
            MoodPoint {
                date: today,
                mood: 5,
            },
            MoodPoint {
                date: today,
                mood: 3,
            },
        ];
        let far_steps = [
            StepSpan {
                step: 1,
                from: NaiveDate::MIN,
            },
            StepSpan {
                step: 7,
                from: NaiveDate::MAX,
            },
        ];
        for points in [&on_one_day[..], &scrambled, &far, &[]] {
            for steps in [&steps_everywhere[..], &one_day_steps, &far_steps, &[]] {
                let drawn = mood_chart(points, steps, today).expect("drawn, whatever the input");
                if let Some(drawn) = drawn {
                    assert_eq!(decode(&drawn.png).0, WIDTH);
                    assert!(drawn.alt_text.chars().count() <= MAX_ALT_TEXT_CHARS);
                }
            }
        }
    }
}

#[test]
fn the_answers_of_one_day_have_no_direction() {
    let points: Vec<MoodPoint> = [1, 3, 5, 2]
        .into_iter()
        .map(|mood| MoodPoint {
            date: today(),
            mood,
        })
        .collect();
    let text = chart(&points, &[]).alt_text;
    assert!(text.contains("4 check-ins, between 1 (really struggling) and 5 (really good), up and down; the latest is 2 (low)"), "{text}");
}

#[test]
fn a_finished_programs_description_says_so_instead_of_naming_step_seven() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a valid date");
    let points: Vec<MoodPoint> = (0..5)
        .map(|i| MoodPoint {
            date: today - chrono::Duration::days(i),
            mood: 3,
        })
        .collect();
    let steps = [StepSpan {
        step: 7,
        from: today - chrono::Duration::days(30),
    }];
    let chart = mood_chart(&points, &steps, today)
        .expect("drawn")
        .expect("enough moods");
    assert!(
        chart.alt_text.ends_with("Now in step 7."),
        "{}",
        chart.alt_text
    );
    let finished = chart.finished();
    assert!(
        finished
            .alt_text
            .ends_with("; the latest is 3 (okay). All seven steps done."),
        "{}",
        finished.alt_text
    );
}
