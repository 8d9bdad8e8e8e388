//! The timeline (`timeline.html`): every dated gloss and reading on one axis of years.
//!
//! 1. Gather the dated items: a gloss's life (born–died) or span (start–end), or the one
//!    date it has, and each reading's date (of publication here, else of the original).
//! 2. Find the stretches of years where something happens: each item's years, padded a
//!    little, merged where less than [`BREAK_YEARS`] apart. A longer empty gap becomes a
//!    break of fixed width, so that 680 and 2026 fit on one line and the years between
//!    them that hold nothing take no room.
//! 3. Lay the stretches out from 0 to 100 %, all to one scale, except that a stretch too
//!    short to be seen is widened to [`MIN_STRETCH`]; the caption says so.
//! 4. Each item becomes a row of a list: its link, dates and kind as text (what screen
//!    readers and print read), and a small SVG bar placed in percentages, hidden from
//!    assistive technology. Percentages rather than a `viewBox` keep points round and
//!    labels readable at any width, with no style attribute (the CSP forbids them).

use serde::Serialize;

use super::{Pages, gloss_dates_in, gloss_href, part};
use crate::date::PartialDate;
use crate::diagnostics::Diagnostic;
use crate::i18n::Strings;
use crate::site::SiteIndex;

/// An empty gap longer than this many years is cut out of the axis.
const BREAK_YEARS: f64 = 50.0;
/// Years added either side of each item, so that a lone point sits inside its stretch.
const PAD_YEARS: f64 = 2.0;
/// The width of a break, in percent of the axis.
const BREAK_WIDTH: f64 = 5.0;
/// The narrowest a stretch is drawn, in percent of the axis.
const MIN_STRETCH: f64 = 6.0;
/// The least room between two labels of the axis, in percent: about 45 px on a phone.
const TICK_ROOM: f64 = 13.0;
/// The least room between the first labels of two stretches, which must both be shown:
/// about 30 px on a phone, enough for two years written side by side.
const FIRST_ROOM: f64 = 8.0;
/// Room kept free at either end of the axis, in percent, so that a point at the very
/// start or end is drawn whole.
const INSET: f64 = 1.5;
/// The narrowest a span is drawn, in percent, so that a span of months still shows.
const MIN_SPAN: f64 = 0.8;

/// A dated thing, before layout.
struct Item {
    label: String,
    href: String,
    kind: &'static str,
    /// The kind in the site's words.
    kind_word: String,
    dates: String,
    from: f64,
    /// The end of a span; none for a single date.
    to: Option<f64>,
}

/// A row of the timeline: the item as text, and where its mark goes.
#[derive(Serialize)]
struct Row {
    label: String,
    href: String,
    /// The kind's name, for the stylesheet (`tl-person`).
    kind: &'static str,
    /// The kind in the site's words, for the reader.
    kind_word: String,
    dates: String,
    span: bool,
    /// Left edge (or centre, for a point), in percent.
    x: String,
    /// Width, in percent; for a span only.
    w: String,
}

#[derive(Serialize)]
struct Tick {
    x: String,
    label: String,
    anchor: &'static str,
}

#[derive(Serialize)]
struct Break {
    x: String,
    w: String,
    /// The zigzag's two strokes, in percent.
    x1: String,
    x2: String,
}

#[derive(Serialize)]
pub(super) struct TimelineView {
    rows: Vec<Row>,
    ticks: Vec<Tick>,
    breaks: Vec<Break>,
    /// What the axis leaves out, in words: empty when it is continuous.
    axis_note: String,
}

/// Adds `timeline.html`, giving its problem if the template fails.
pub(super) fn page(index: &SiteIndex, pages: &Pages) -> Option<Diagnostic> {
    #[derive(Serialize)]
    struct TimelinePage {
        timeline: TimelineView,
    }
    if !pages.wants((part::GLOSSARY, 1), "timeline.html") {
        return None;
    }
    let t = &index.site.config.words;
    pages.add(
        (part::GLOSSARY, 1),
        "timeline.html".into(),
        "timeline.html",
        "timeline",
        TimelinePage {
            timeline: view(items(index, t), t),
        },
    )
}

fn items(index: &SiteIndex, t: &Strings) -> Vec<Item> {
    let mut items = Vec::new();
    for entry in &index.glosses {
        let gloss = entry.gloss;
        let date = |d: &Option<crate::date::WrittenDate>| d.as_ref().and_then(|d| d.date());
        let (from, to) = match (
            date(&gloss.born),
            date(&gloss.died),
            date(&gloss.start),
            date(&gloss.end),
        ) {
            (Some(b), d, _, _) => (Some(b), d),
            (None, Some(d), _, _) => (Some(d), None),
            (_, _, Some(s), e) => (Some(s), e),
            (_, _, None, Some(e)) => (Some(e), None),
            _ => (None, None),
        };
        let Some(from) = from else { continue };
        items.push(Item {
            label: gloss.term.value.clone(),
            href: gloss_href("", entry.id),
            kind: gloss.kind.name(),
            kind_word: t.get(&format!("kind_{}", gloss.kind.name())).to_owned(),
            dates: gloss_dates_in(gloss, t).unwrap_or_default(),
            from: from.position(),
            to: to.map(end_of).filter(|&t| t > from.position()),
        });
    }
    for reading in &index.site.readings {
        let meta = &reading.meta;
        let published = meta.date.as_ref().and_then(|d| d.date());
        let original = meta
            .original
            .as_ref()
            .and_then(|o| o.date.as_ref())
            .and_then(|d| d.date());
        let (date, what) = match (published, original) {
            (Some(d), _) => (d, "timeline_published"),
            (None, Some(d)) => (d, "timeline_original"),
            (None, None) => continue,
        };
        items.push(Item {
            label: meta.title.clone(),
            href: format!("{}/index.html", reading.slug),
            kind: "reading",
            kind_word: t.get("timeline_reading").to_owned(),
            dates: t.fill(what, &[("date", &date.words_in(t))]),
            from: date.position(),
            to: None,
        });
    }
    items.sort_by(|a, b| {
        a.from
            .total_cmp(&b.from)
            .then(a.to.unwrap_or(a.from).total_cmp(&b.to.unwrap_or(b.from)))
            .then_with(|| a.label.cmp(&b.label))
    });
    items
}

/// Where a span that ends on `date` stops: the end of the last year, month or day it
/// names, so that `1978`–`1979` covers both years.
fn end_of(date: PartialDate) -> f64 {
    let start = date.position();
    let iso = date.iso().unwrap_or_default();
    match iso.matches('-').count() {
        0 => start + 1.0,
        1 => start + 1.0 / 12.0,
        _ => start + 1.0 / 365.0,
    }
}

/// A stretch of the axis: its years, and where it is drawn (percent).
struct Stretch {
    from: f64,
    to: f64,
    /// The first and last year of an item in it, for the caption.
    first: f64,
    last: f64,
    /// Where the last item's last date begins: `last` is where it ends (a span to 1979
    /// ends with 1979), the caption names the year.
    last_named: f64,
    x: f64,
    w: f64,
}

impl Stretch {
    fn place(&self, year: f64) -> f64 {
        self.x + (year - self.from) / (self.to - self.from) * self.w
    }
}

fn stretches(items: &[Item]) -> Vec<Stretch> {
    // The end of a span is the end of its last year, month or day: a hair before it is
    // still in the year the editor wrote.
    let mut spans: Vec<(f64, f64, f64)> = items
        .iter()
        .map(|i| match i.to {
            Some(to) => (i.from, to, to - 1e-6),
            None => (i.from, i.from, i.from),
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<Stretch> = Vec::new();
    for (from, to, named) in spans {
        match out.last_mut() {
            Some(s) if from - s.last <= BREAK_YEARS => {
                if to > s.last {
                    s.last = to;
                    s.last_named = named;
                }
                s.to = s.last + PAD_YEARS;
            }
            _ => out.push(Stretch {
                from: from - PAD_YEARS,
                to: to + PAD_YEARS,
                first: from,
                last: to,
                last_named: named,
                x: 0.0,
                w: 0.0,
            }),
        }
    }
    // One scale for all; a stretch that would be drawn narrower than MIN_STRETCH is
    // widened, and the others share what is left. Twice, since widening one can push
    // another under the minimum.
    let room = 100.0 - 2.0 * INSET - BREAK_WIDTH * out.len().saturating_sub(1) as f64;
    let mut widened = vec![false; out.len()];
    for _ in 0..3 {
        let fixed = widened.iter().filter(|&&w| w).count() as f64 * MIN_STRETCH;
        let years: f64 = out
            .iter()
            .zip(&widened)
            .filter(|(_, w)| !**w)
            .map(|(s, _)| s.to - s.from)
            .sum();
        let scale = (room - fixed) / years.max(f64::EPSILON);
        for (s, w) in out.iter_mut().zip(widened.iter_mut()) {
            s.w = if *w {
                MIN_STRETCH
            } else {
                (s.to - s.from) * scale
            };
            if s.w < MIN_STRETCH {
                *w = true;
                s.w = MIN_STRETCH;
            }
        }
    }
    let mut x = INSET;
    for s in &mut out {
        s.x = x;
        x += s.w + BREAK_WIDTH;
    }
    out
}

/// The year as the axis writes it, in the words of `t` for a year BCE.
fn year_label(year: i64, t: &Strings) -> String {
    if year < 0 {
        t.fill("year_bce", &[("year", &(-year).to_string())])
    } else {
        year.to_string()
    }
}

fn pct(x: f64) -> String {
    format!("{:.2}", x.clamp(0.0, 100.0))
}

fn view(items: Vec<Item>, t: &Strings) -> TimelineView {
    let stretches = stretches(&items);
    let place = |year: f64| -> f64 {
        stretches
            .iter()
            .find(|s| year >= s.from && year <= s.to)
            .map_or(0.0, |s| s.place(year))
    };

    let rows = items
        .into_iter()
        .map(|item| {
            let x = place(item.from);
            let (span, w) = match item.to {
                Some(to) => (true, (place(to) - x).max(MIN_SPAN)),
                None => (false, 0.0),
            };
            Row {
                label: item.label,
                href: item.href,
                kind: item.kind,
                kind_word: item.kind_word,
                dates: item.dates,
                span,
                x: pct(x),
                w: pct(w),
            }
        })
        .collect();

    // Round years in each stretch, as many as its width leaves room for. The first of
    // each stretch is kept first, so that every stretch is labelled; then the others,
    // each only where it leaves room from those kept.
    let mut candidates: Vec<(f64, i64, bool)> = Vec::new();
    for s in &stretches {
        let fit = (s.w / TICK_ROOM).floor().max(1.0);
        let years = s.to - s.from;
        let step = [
            1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
        ]
        .into_iter()
        .find(|&step| years / step as f64 <= fit)
        .unwrap_or(10_000);
        let first = (s.from / step as f64).ceil() as i64 * step;
        let mut year = first;
        // A stretch with room for one label is labelled with its first year, which the
        // caption names too, rather than a round year that may be nobody's.
        let mut any = fit <= 1.0;
        if any {
            candidates.push((s.place(s.first.floor()), s.first.floor() as i64, true));
        }
        while fit > 1.0 && (year as f64) <= s.to {
            candidates.push((s.place(year as f64), year, !any));
            any = true;
            year += step;
        }
        if !any {
            candidates.push((s.place(s.first.floor()), s.first.floor() as i64, true));
        }
    }
    let mut kept: Vec<(f64, i64)> = Vec::new();
    for first in [true, false] {
        for &(x, year, primary) in &candidates {
            let room = if first { FIRST_ROOM } else { TICK_ROOM };
            if primary == first && kept.iter().all(|k| (k.0 - x).abs() >= room) {
                kept.push((x, year));
            }
        }
    }
    kept.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut ticks: Vec<Tick> = Vec::new();
    for (x, year) in kept {
        let anchor = if x < 3.0 {
            "start"
        } else if x > 97.0 {
            "end"
        } else {
            "middle"
        };
        ticks.push(Tick {
            x: pct(x),
            label: year_label(year, t),
            anchor,
        });
    }

    let breaks = stretches
        .windows(2)
        .map(|pair| {
            let x = pair[0].x + pair[0].w;
            Break {
                x: pct(x),
                w: pct(BREAK_WIDTH),
                x1: pct(x + BREAK_WIDTH * 0.3),
                x2: pct(x + BREAK_WIDTH * 0.6),
            }
        })
        .collect();

    let gaps: Vec<String> = stretches
        .windows(2)
        .map(|pair| {
            t.fill(
                "timeline_gap",
                &[
                    ("start", &year_label(pair[0].last_named.floor() as i64, t)),
                    ("end", &year_label(pair[1].first.floor() as i64, t)),
                ],
            )
        })
        .collect();
    let mut axis_note = String::new();
    if !gaps.is_empty() {
        axis_note = t.fill(
            "timeline_broken",
            &[
                ("n", &(BREAK_YEARS as i64).to_string()),
                ("gaps", &join_words(&gaps, t)),
            ],
        );
        let widened = stretches
            .iter()
            .any(|s| (s.w - MIN_STRETCH).abs() < 1e-9 && stretches.len() > 1);
        axis_note.push(' ');
        axis_note.push_str(t.get(if widened {
            "timeline_widened"
        } else {
            "timeline_scale"
        }));
    }

    TimelineView {
        rows,
        ticks,
        breaks,
        axis_note,
    }
}

/// `a`, `a and b`, `a, b and c`, in the words of `t` (`a، b و c`).
fn join_words(parts: &[String], t: &Strings) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{}{last}", init.join(t.get("comma")), t.get("and")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(from: f64, to: Option<f64>) -> Item {
        Item {
            label: format!("{from}"),
            href: String::new(),
            kind: "event",
            kind_word: "event".into(),
            dates: String::new(),
            from,
            to,
        }
    }

    #[test]
    fn a_long_empty_gap_becomes_a_break_and_short_ones_do_not() {
        let items = [
            item(680.0, None),
            item(683.0, None),
            item(1939.0, None),
            item(1980.7, Some(1988.6)),
        ];
        let s = stretches(&items);
        assert_eq!(s.len(), 2);
        assert!(s[0].w >= MIN_STRETCH);
        let end = s.last().unwrap();
        assert!(
            (end.x + end.w - 100.0 + INSET).abs() < 1e-6,
            "{}",
            end.x + end.w
        );
        assert!(s[1].place(1939.0) < s[1].place(1980.7));
    }

    #[test]
    fn the_axis_note_names_each_break() {
        let view = view(
            vec![item(680.0, None), item(1775.0, None), item(1990.0, None)],
            Strings::english(),
        );
        assert_eq!(view.breaks.len(), 2);
        assert!(
            view.axis_note
                .contains("from 680 to 1775 and from 1775 to 1990"),
            "{}",
            view.axis_note
        );
        let continuous = view_of_one_stretch();
        assert!(continuous.breaks.is_empty());
        assert!(continuous.axis_note.is_empty());
    }

    fn view_of_one_stretch() -> TimelineView {
        view(
            vec![item(1900.0, None), item(1920.0, Some(1940.0))],
            Strings::english(),
        )
    }

    #[test]
    fn ticks_keep_their_distance() {
        let view = view(
            vec![
                item(680.0, None),
                item(1775.0, None),
                item(1851.0, Some(2026.0)),
            ],
            Strings::english(),
        );
        let xs: Vec<f64> = view.ticks.iter().map(|t| t.x.parse().unwrap()).collect();
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= FIRST_ROOM), "{xs:?}");
        // Each stretch between breaks is labelled.
        for year in ["680", "1775"] {
            assert!(view.ticks.iter().any(|t| t.label == year), "{year}");
        }
    }
}
