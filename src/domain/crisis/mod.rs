//! Crisis detection: does a member's text call for help now, and how urgently?
//!
//! Two levels. [`Level::Acute`]: thoughts of suicide (active or passive), intent, a plan,
//! means, self-harm, a farewell, or danger from another person. [`Level::Concern`]:
//! hopelessness about oneself ("I can't go on"). The phrases and patterns live in the content
//! file (see [`pattern`] for their syntax); idioms listed as `quiet` are taken out of the text
//! before any rule looks at it, so "this queue is killing me" stays quiet.
//!
//! Erring towards answering is right here: a false alarm costs a kind message, a miss could
//! cost far more. The detector never keeps or returns the words it matched, only the level
//! and the kind of rule, so nothing a member wrote can reach a log through it.

pub mod normalize;
pub mod pattern;
pub mod reply;

use std::collections::HashMap;

use pattern::{Lexicon, Pattern, PatternError, Text};

/// How urgent a message is. Ordered: `Acute` > `Concern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Hopelessness about oneself: a gentle check-in, support lines one press away.
    Concern,
    /// Someone may be in danger: emergency number and support lines at once.
    Acute,
}

impl Level {
    pub fn parse(raw: &str) -> Option<Level> {
        match raw {
            "acute" => Some(Level::Acute),
            "concern" => Some(Level::Concern),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Acute => "acute",
            Level::Concern => "concern",
        }
    }
}

/// What the detector found: the level, and the category of the rule that decided it (for
/// logs and metrics; never the words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detection {
    pub level: Level,
    pub category: &'static str,
}

/// The kinds of rule the content file may declare.
pub const CATEGORIES: [&str; 9] = [
    "ideation",
    "intent",
    "plan",
    "means",
    "self-harm",
    "farewell",
    "danger",
    "hopelessness",
    "other",
];

/// One rule as written in the content file.
#[derive(Debug, Clone, Copy)]
pub struct RuleSource<'a> {
    pub level: Level,
    pub category: &'a str,
    pub patterns: &'a [String],
}

/// A pattern that could not be read: which rule, which pattern, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern {
    /// `None` for the quiet list.
    pub rule: Option<usize>,
    pub index: usize,
    pub error: PatternError,
}

/// The patterns of one content load, ready to match.
#[derive(Debug, Clone, Default)]
pub struct CrisisDetector {
    lexicon: Lexicon,
    quiet: Vec<Pattern>,
    /// Rules' patterns, most urgent level first.
    patterns: Vec<(Pattern, Level, &'static str)>,
    /// Pattern positions by the lexicon ids their first term accepts.
    by_first: HashMap<u32, Vec<usize>>,
}

impl CrisisDetector {
    /// Builds the detector, or every pattern that cannot be read.
    pub fn new<'a>(
        quiet: &[String],
        rules: impl IntoIterator<Item = RuleSource<'a>>,
    ) -> Result<CrisisDetector, Vec<BadPattern>> {
        let mut lexicon = Lexicon::default();
        let mut bad = Vec::new();
        let mut quiet_patterns = Vec::new();
        for (index, source) in quiet.iter().enumerate() {
            match Pattern::parse(source, &mut lexicon) {
                Ok(pattern) => quiet_patterns.push(pattern),
                Err(error) => bad.push(BadPattern {
                    rule: None,
                    index,
                    error,
                }),
            }
        }
        let mut patterns = Vec::new();
        for (rule, source) in rules.into_iter().enumerate() {
            let category = CATEGORIES
                .iter()
                .find(|c| **c == source.category)
                .copied()
                .unwrap_or("other");
            for (index, text) in source.patterns.iter().enumerate() {
                match Pattern::parse(text, &mut lexicon) {
                    Ok(pattern) => patterns.push((pattern, source.level, category)),
                    Err(error) => bad.push(BadPattern {
                        rule: Some(rule),
                        index,
                        error,
                    }),
                }
            }
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        // Acute first: the first match decides.
        patterns.sort_by_key(|pattern| std::cmp::Reverse(pattern.1));
        let mut by_first: HashMap<u32, Vec<usize>> = HashMap::new();
        for (position, (pattern, _, _)) in patterns.iter().enumerate() {
            for id in pattern.first_ids() {
                by_first.entry(*id).or_default().push(position);
            }
        }
        Ok(CrisisDetector {
            lexicon,
            quiet: quiet_patterns,
            patterns,
            by_first,
        })
    }

    /// The most urgent level any rule finds in `text`, if any.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let mut text = Text::new(&self.lexicon, normalize::words(text));
        if text.is_empty() {
            return None;
        }
        self.mask_idioms(&mut text);
        let mut best: Option<(usize, Detection)> = None;
        for start in 0..text.len() {
            for position in self.candidates(&text, start) {
                if best.is_some_and(|(found, _)| found <= position) {
                    continue;
                }
                let (pattern, level, category) = &self.patterns[position];
                if text.match_at(pattern, start).is_some() {
                    best = Some((
                        position,
                        Detection {
                            level: *level,
                            category,
                        },
                    ));
                }
            }
            if best.is_some_and(|(_, d)| d.level == Level::Acute) {
                break;
            }
        }
        best.map(|(_, detection)| detection)
    }

    fn mask_idioms(&self, text: &mut Text<'_>) {
        for start in 0..text.len() {
            for quiet in &self.quiet {
                if !text.may_start(start, quiet.first_ids()) {
                    continue;
                }
                if let Some(end) = text.match_at(quiet, start) {
                    text.mask(start, end);
                }
            }
        }
    }

    /// The patterns worth trying at `start`, in order of urgency.
    fn candidates(&self, text: &Text<'_>, start: usize) -> Vec<usize> {
        let mut positions: Vec<usize> = if text.glued(start) {
            (0..self.patterns.len()).collect()
        } else {
            text.start_ids(start)
                .flat_map(|id| self.by_first.get(&id).into_iter().flatten().copied())
                .collect()
        };
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// How many patterns are in use (for `rekindle check`).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }
}

#[cfg(test)]
mod tests;
