//! Dates as an editor writes them: a year, a month or a day, checked against the calendar.
//!
//! 1. [`PartialDate::parse`] reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A year may have
//!    fewer digits (`680`) and a leading `-` for a year BCE (`-44` is 44 BCE: historians'
//!    numbering, so there is no year 0). jiff checks that the day exists (proleptic
//!    Gregorian calendar), so `2023-02-31` and `2026-00-05` are refused with the reason.
//! 2. [`WrittenDate`] is a date field of the YAML: read once, at load, into the text and
//!    place the editor wrote and what it parses as. A refused date is not an error of the
//!    load: the index stage reports it (E0114, E0180) beside the other problems of the
//!    site, and the renderer is handed only a [`PartialDate`], so it has no invalid date
//!    to show. Its JSON Schema (`Date`) is here too, beside the forms it describes.
//! 3. [`PartialDate::words`] writes it for a reader: `19 April 1939`, `April 1939`,
//!    `44 BCE`; [`PartialDate::iso`] for a `<time datetime>`.
//!
//! The calendar arithmetic is jiff's rather than our own: month lengths and leap years
//! are easy to get subtly wrong, and jiff is maintained and exact.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::yaml::Spanned;

/// The months as scholia writes them in YAML and in English words.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The forms a date may take, for diagnostics.
pub const FORMS: &str = "YYYY, YYYY-MM or YYYY-MM-DD";

/// A date known to the year, the month or the day; always a real calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    /// Historians' numbering: never 0; negative for BCE.
    year: i16,
    /// 1 to 12.
    month: Option<i8>,
    /// A day that exists in that month.
    day: Option<i8>,
}

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not one of the forms at all (`146 BC`, `1939/04/19`).
    Form,
    /// In the right form, but not a day of the calendar; the reason, in words.
    Calendar(String),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            DateError::Form => write!(f, "expected {FORMS}"),
            DateError::Calendar(reason) => f.write_str(reason),
        }
    }
}

impl PartialDate {
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let (bce, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        let parts: Vec<&str> = rest.split('-').collect();
        let well_formed = match parts.as_slice() {
            [y] => digits(y, 1..=4),
            [y, m] => digits(y, 1..=4) && digits(m, 2..=2),
            [y, m, d] => digits(y, 1..=4) && digits(m, 2..=2) && digits(d, 2..=2),
            _ => false,
        };
        if !well_formed {
            return Err(DateError::Form);
        }
        // Each part is 1 to 4 ASCII digits, so these cannot fail or overflow.
        let number = |s: &str| s.parse::<i16>().unwrap_or(0);
        let year = number(parts[0]);
        if year == 0 {
            return Err(DateError::Calendar(
                "there is no year 0: 1 BCE (-1) is followed by 1 CE (1)".into(),
            ));
        }
        let year = if bce { -year } else { year };
        // jiff counts astronomically: 1 BCE is its year 0, 44 BCE its year -43.
        let astronomical = if year < 0 { year + 1 } else { year };
        let month = match parts.get(1) {
            None => None,
            Some(m) => {
                let m = number(m);
                if !(1..=12).contains(&m) {
                    return Err(DateError::Calendar(format!(
                        "there is no month {:02}: months are 01 to 12",
                        m
                    )));
                }
                Some(m as i8)
            }
        };
        let day = match (month, parts.get(2)) {
            (Some(m), Some(d)) => {
                let d = number(d) as i8;
                if jiff::civil::Date::new(astronomical, m, d).is_err() {
                    let first = jiff::civil::Date::new(astronomical, m, 1)
                        .map_err(|e| DateError::Calendar(e.to_string()))?;
                    let month = PartialDate {
                        year,
                        month: Some(m),
                        day: None,
                    };
                    return Err(DateError::Calendar(format!(
                        "there is no day {d:02}: {} has {} days",
                        month.words(),
                        first.days_in_month()
                    )));
                }
                Some(d)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }

    /// For a reader: `19 April 1939`, `April 1939`, `1939`, `44 BCE`.
    pub fn words(&self) -> String {
        let year = if self.year < 0 {
            format!("{} BCE", -i32::from(self.year))
        } else {
            self.year.to_string()
        };
        let month = self
            .month
            .and_then(|m| MONTHS.get(usize::try_from(m - 1).ok()?))
            .copied();
        match (month, self.day) {
            (Some(month), Some(day)) => format!("{day} {month} {year}"),
            (Some(month), None) => format!("{month} {year}"),
            _ => year,
        }
    }

    /// Where the date falls on a line of years: its year, plus the part of the year
    /// before its month and day (the start of the year when only the year is known).
    /// Years BCE are negative, as written; a timeline is too coarse for the missing year 0.
    pub fn position(&self) -> f64 {
        let month = f64::from(self.month.unwrap_or(1) - 1);
        let day = f64::from(self.day.unwrap_or(1) - 1);
        f64::from(self.year) + month / 12.0 + day / 365.0
    }

    /// For a reader, in the words of `t` (its month names and order): `19. April 1939`.
    pub fn words_in(&self, t: &crate::i18n::Strings) -> String {
        let year = if self.year < 0 {
            t.fill(
                "year_bce",
                &[("year", &(-i32::from(self.year)).to_string())],
            )
        } else {
            self.year.to_string()
        };
        let day = self.day.map(|d| d.to_string());
        match (self.month, day) {
            (Some(m), Some(day)) => t.fill(
                "date_day",
                &[("day", &day), ("month", t.month(m)), ("year", &year)],
            ),
            (Some(m), None) => t.fill("date_month", &[("month", t.month(m)), ("year", &year)]),
            _ => year,
        }
    }

    /// The date as HTML's `<time datetime>` wants it; none for years BCE, which it cannot
    /// express.
    pub fn iso(&self) -> Option<String> {
        if self.year < 0 {
            return None;
        }
        Some(match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        })
    }
}

/// A date field as the editor wrote it, parsed when the file is read.
#[derive(Debug, Clone)]
pub struct WrittenDate {
    /// The text and its place, for diagnostics.
    pub written: Spanned<String>,
    /// What it reads as; an error the index stage reports.
    pub read: Result<PartialDate, DateError>,
}

impl WrittenDate {
    /// The date, if it is one; the index stage has refused the site otherwise.
    pub fn date(&self) -> Option<PartialDate> {
        self.read.as_ref().ok().copied()
    }
}

impl<'de> Deserialize<'de> for WrittenDate {
    // Taken as text (an unquoted year is a YAML number, read as its digits), so that a
    // date that is not one is still a value with a place, reported by the index stage.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = Spanned::<String>::deserialize(deserializer)?;
        let read = PartialDate::parse(&written.value);
        Ok(WrittenDate { written, read })
    }
}

// Written back as the editor wrote it. (schemars also looks for this to put the fields'
// `"default": null` in the JSON Schema, which the schemas editors hold already say.)
impl Serialize for WrittenDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.written.value)
    }
}

// In a schema, a date as the format takes it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (an
// unquoted year is a number in YAML, and is accepted as one).
impl schemars::JsonSchema for WrittenDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; a year may have fewer digits, or a minus sign for BCE.",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": "^-?[0-9]{1,4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$" }
            ]
        })
    }
}

impl std::str::FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PartialDate::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        PartialDate::parse(s).unwrap().words()
    }

    fn reason(s: &str) -> String {
        PartialDate::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn each_accepted_form_reads_as_words() {
        assert_eq!(words("1939-04-19"), "19 April 1939");
        assert_eq!(words("1939-04"), "April 1939");
        assert_eq!(words("1939"), "1939");
        assert_eq!(words("680"), "680");
        assert_eq!(words("0680-01-05"), "5 January 680");
        assert_eq!(words("-44"), "44 BCE");
        assert_eq!(words("-44-03-15"), "15 March 44 BCE");
    }

    #[test]
    fn month_zero_is_refused_not_rendered() {
        assert_eq!(
            reason("2026-00-05"),
            "there is no month 00: months are 01 to 12"
        );
        assert_eq!(
            reason("1990-13"),
            "there is no month 13: months are 01 to 12"
        );
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused() {
        assert_eq!(
            reason("2023-02-31"),
            "there is no day 31: February 2023 has 28 days"
        );
        assert_eq!(
            reason("2023-02-29"),
            "there is no day 29: February 2023 has 28 days"
        );
        assert_eq!(words("2024-02-29"), "29 February 2024");
        assert_eq!(
            reason("2023-04-31"),
            "there is no day 31: April 2023 has 30 days"
        );
        assert_eq!(
            reason("2023-04-00"),
            "there is no day 00: April 2023 has 30 days"
        );
    }

    #[test]
    fn leap_days_bce_follow_historians_numbering() {
        // 1 BCE is astronomical year 0, a leap year; 2 BCE is not.
        assert_eq!(words("-1-02-29"), "29 February 1 BCE");
        assert!(PartialDate::parse("-2-02-29").is_err());
        assert_eq!(words("-5-02-29"), "29 February 5 BCE");
    }

    #[test]
    fn year_zero_does_not_exist() {
        assert!(reason("0").contains("no year 0"));
        assert!(reason("-0000").contains("no year 0"));
    }

    #[test]
    fn other_forms_are_refused() {
        for bad in [
            "",
            "146 BC",
            "1939/04/19",
            "19-04-1939",
            "1939-4-19",
            "1939-04-19T00:00",
            "12345",
            "--44",
            "1939-",
            "+1939",
            "1939-04-19-01",
            "１９３９",
        ] {
            assert_eq!(PartialDate::parse(bad), Err(DateError::Form), "{bad:?}");
        }
    }

    /// The date field of `date: {yaml}`, and where the file says it is.
    fn written_at(yaml: &str) -> (WrittenDate, std::ops::Range<usize>) {
        let file =
            crate::diagnostics::SourceFile::new("annotations.yaml", format!("date: {yaml}\n"));
        let parsed = crate::yaml::parse::<std::collections::BTreeMap<String, WrittenDate>>(
            &file,
            0..file.text.len(),
        )
        .expect("a date field that is not a date is still read");
        let date = parsed.value.values().next().unwrap().clone();
        let range = parsed.locate(&date.written).range;
        (date, range)
    }

    fn written(yaml: &str) -> WrittenDate {
        written_at(yaml).0
    }

    #[test]
    fn a_date_field_is_parsed_at_load_and_keeps_what_was_written() {
        let date = written("1939-04-19");
        assert_eq!(date.written.value, "1939-04-19");
        assert_eq!(
            date.date().map(|d| d.words()).as_deref(),
            Some("19 April 1939")
        );
        // An unquoted year is a YAML number; it is read as its digits.
        assert_eq!(
            written("-44").date().map(|d| d.words()).as_deref(),
            Some("44 BCE")
        );
    }

    #[test]
    fn an_impossible_date_is_not_a_load_error_but_has_no_date() {
        // The load keeps going, so the index stage can report it beside the site's
        // warnings; nothing later can take it for a date.
        let (date, place) = written_at("2023-02-31");
        assert_eq!(date.written.value, "2023-02-31");
        assert_eq!(place, 6..16);
        assert!(matches!(date.read, Err(DateError::Calendar(_))));
        assert_eq!(date.date(), None);
        assert_eq!(written("146 BC").read, Err(DateError::Form));
    }

    #[test]
    fn the_schemas_date_fields_are_as_before_the_typed_date() {
        // schemars writes `"default": null` only for a type it can serialise; the schemas
        // editors already hold say it, and a field's type is no reason to change them.
        let schema = |which| -> serde_json::Value {
            serde_json::from_str(&crate::schema::json(which)).unwrap()
        };
        let annotations = schema(crate::cli::SchemaKind::Annotations);
        let definitions = &annotations["definitions"];
        for field in ["born", "died", "start", "end"] {
            let property = &definitions["Gloss"]["properties"][field];
            assert_eq!(property["default"], serde_json::Value::Null, "{field}");
            assert!(property.get("default").is_some(), "{field}");
        }
        assert!(
            definitions["Source"]["properties"]["date"]
                .get("default")
                .is_some()
        );
        let front = schema(crate::cli::SchemaKind::FrontMatter);
        assert!(front["properties"]["date"].get("default").is_some());
        assert!(
            front["definitions"]["Original"]["properties"]["date"]
                .get("default")
                .is_some()
        );
        assert_eq!(
            front["properties"]["date"]["anyOf"][0]["$ref"],
            "#/definitions/Date"
        );
    }

    #[test]
    fn iso_form_for_time_elements() {
        let iso = |s: &str| PartialDate::parse(s).unwrap().iso();
        assert_eq!(iso("2026-03-05").as_deref(), Some("2026-03-05"));
        assert_eq!(iso("680").as_deref(), Some("0680"));
        assert_eq!(iso("-44"), None);
    }
}
