//! The safety net measured: the shipped crisis rules (`config/content.toml`) against the
//! labelled evaluation set in `tests/data/crisis/`.
//!
//! Each `.tsv` file is a category (explicit, slang, each language, idioms, everyday breakup
//! talk, ...); each line is `label<TAB>text` with label `acute`, `concern` or `none`. The test
//! prints recall (lines labelled acute or concern that get any crisis reply) and false alarms
//! (lines labelled none that get one) per category, and fails below 0.95 recall or above 3 %
//! false alarms over the set. `holdout/` holds lines written before any tuning; they are
//! reported apart and count toward the totals too.
//!
//! `REKINDLE_EVAL_MISSES=1 cargo test --test crisis_eval -- --nocapture` also lists every
//! miss and false alarm, for the people tuning the rules.

use std::path::{Path, PathBuf};

use rekindle::content::Content;
use rekindle::domain::crisis::Level;

const MIN_RECALL: f64 = 0.95;
const MAX_FALSE_ALARMS: f64 = 0.03;

#[derive(Default, Clone, Copy)]
struct Tally {
    positives: usize,
    caught: usize,
    acute: usize,
    acute_as_acute: usize,
    negatives: usize,
    false_alarms: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.positives += other.positives;
        self.caught += other.caught;
        self.acute += other.acute;
        self.acute_as_acute += other.acute_as_acute;
        self.negatives += other.negatives;
        self.false_alarms += other.false_alarms;
    }

    fn recall(&self) -> f64 {
        ratio(self.caught, self.positives, 1.0)
    }

    fn false_alarm_rate(&self) -> f64 {
        ratio(self.false_alarms, self.negatives, 0.0)
    }
}

fn ratio(part: usize, whole: usize, empty: f64) -> f64 {
    if whole == 0 {
        empty
    } else {
        part as f64 / whole as f64
    }
}

fn files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).expect("the evaluation folder exists") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            found.extend(files(&path));
        } else if path.extension().is_some_and(|e| e == "tsv") {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn the_shipped_rules_catch_crises_and_stay_quiet_on_everyday_talk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = Content::load(&root.join("config/content.toml")).expect("content loads");
    let data = root.join("tests/data/crisis");
    let show_misses = std::env::var_os("REKINDLE_EVAL_MISSES").is_some();
    let mut total = Tally::default();
    let mut holdout = Tally::default();
    let mut lines_read = 0;
    println!(
        "\n{:<22} {:>5} {:>8} {:>10} {:>5} {:>12}",
        "category", "pos", "recall", "acute→acute", "neg", "false alarms"
    );
    for file in files(&data) {
        let name = file
            .strip_prefix(&data)
            .expect("under the data folder")
            .with_extension("")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&file).expect("readable");
        let mut tally = Tally::default();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (label, sentence) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{name}:{}: no tab", number + 1));
            lines_read += 1;
            let found = content.detect_crisis(sentence).map(|d| d.level);
            match label {
                "acute" | "concern" => {
                    tally.positives += 1;
                    if found.is_some() {
                        tally.caught += 1;
                    } else if show_misses {
                        println!("  MISS {name}:{} [{label}] {sentence}", number + 1);
                    }
                    if label == "acute" {
                        tally.acute += 1;
                        if found == Some(Level::Acute) {
                            tally.acute_as_acute += 1;
                        }
                    }
                }
                "none" => {
                    tally.negatives += 1;
                    if found.is_some() {
                        tally.false_alarms += 1;
                        if show_misses {
                            println!("  FALSE ALARM {name}:{} {sentence}", number + 1);
                        }
                    }
                }
                other => panic!("{name}:{}: unknown label {other:?}", number + 1),
            }
        }
        println!(
            "{:<22} {:>5} {:>8.3} {:>10} {:>5} {:>7} ({:.1} %)",
            name,
            tally.positives,
            tally.recall(),
            format!("{}/{}", tally.acute_as_acute, tally.acute),
            tally.negatives,
            tally.false_alarms,
            100.0 * tally.false_alarm_rate()
        );
        if name.starts_with("holdout") {
            holdout.add(tally);
        }
        total.add(tally);
    }
    println!(
        "{:<22} {:>5} {:>8.3} {:>10} {:>5} {:>7} ({:.1} %)",
        "ALL",
        total.positives,
        total.recall(),
        format!("{}/{}", total.acute_as_acute, total.acute),
        total.negatives,
        total.false_alarms,
        100.0 * total.false_alarm_rate()
    );
    println!(
        "{:<22} {:>5} {:>8.3} {:>10} {:>5} {:>7} ({:.1} %)",
        "of which holdout",
        holdout.positives,
        holdout.recall(),
        format!("{}/{}", holdout.acute_as_acute, holdout.acute),
        holdout.negatives,
        holdout.false_alarms,
        100.0 * holdout.false_alarm_rate()
    );
    assert!(
        lines_read >= 300,
        "the set needs at least 300 lines; {lines_read}"
    );
    assert!(
        total.recall() >= MIN_RECALL,
        "recall {:.3} is below {MIN_RECALL}",
        total.recall()
    );
    assert!(
        total.false_alarm_rate() <= MAX_FALSE_ALARMS,
        "false alarms {:.3} above {MAX_FALSE_ALARMS}",
        total.false_alarm_rate()
    );
}

/// `REKINDLE_PROBE="some text" cargo test --test crisis_eval probe -- --nocapture` prints
/// what the shipped rules make of a text: for the people tuning them.
#[test]
fn probe() {
    let Ok(text) = std::env::var("REKINDLE_PROBE") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = Content::load(&root.join("config/content.toml")).expect("content loads");
    for line in text.split('\n') {
        println!("{:?} <- {line}", content.detect_crisis(line));
    }
}
