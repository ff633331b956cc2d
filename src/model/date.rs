//! Dates as curators write them: a year, a month or a day (`YYYY`,
//! `YYYY-MM`, `YYYY-MM-DD`), each standing for the span of days it names.
//! The calendar itself is jiff's, so that `2023-02-31` is refused.

use std::fmt;

use jiff::civil::Date;

/// A date at the precision the source gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialDate {
    Year(i16),
    Month(i16, i8),
    Day(Date),
}

/// Why a string is not a [`PartialDate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Malformed,
    /// Well formed, but no such day or month exists.
    Impossible(String),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Malformed => f.write_str("expected `YYYY`, `YYYY-MM` or `YYYY-MM-DD`"),
            DateError::Impossible(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for DateError {}

const MONTHS: [&str; 12] = [
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

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the calendar.
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let number = |part: &str, width: usize| {
            (part.len() == width && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<i16>().ok())
                .flatten()
                .ok_or(DateError::Malformed)
        };
        let mut parts = text.split('-');
        let year = number(parts.next().unwrap_or_default(), 4)?;
        let Some(month) = parts.next() else {
            return Ok(PartialDate::Year(year));
        };
        let month = number(month, 2)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::Impossible(format!(
                "there is no month {month:02}: months run from 01 to 12"
            )));
        }
        // In range 1..=12 just above.
        let month = month as i8;
        let Some(day) = parts.next() else {
            return Ok(PartialDate::Month(year, month));
        };
        let day = number(day, 2)?;
        if parts.next().is_some() {
            return Err(DateError::Malformed);
        }
        let days = Date::new(year, month, 1)
            .map(|first| first.days_in_month())
            .unwrap_or(31);
        match i8::try_from(day)
            .ok()
            .and_then(|day| Date::new(year, month, day).ok())
        {
            Some(date) if day >= 1 => Ok(PartialDate::Day(date)),
            _ => Err(DateError::Impossible(format!(
                "{} {year} has {days} days",
                MONTHS[month as usize - 1]
            ))),
        }
    }

    /// The first day the date covers.
    pub fn first_day(self) -> Date {
        match self {
            PartialDate::Year(year) => Date::new(year, 1, 1),
            PartialDate::Month(year, month) => Date::new(year, month, 1),
            PartialDate::Day(date) => Ok(date),
        }
        .expect("parsed dates are in the calendar")
    }

    /// The last day the date covers.
    pub fn last_day(self) -> Date {
        match self {
            PartialDate::Year(year) => Date::new(year, 12, 31).expect("a year ends on 31 December"),
            PartialDate::Month(..) => self.first_day().last_of_month(),
            PartialDate::Day(date) => date,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(year) => write!(f, "{year:04}"),
            PartialDate::Month(year, month) => write!(f, "{year:04}-{month:02}"),
            PartialDate::Day(date) => write!(f, "{date}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_years_months_and_real_days() {
        for text in ["1997", "2022-01", "2024-02-29", "2022-09-25"] {
            let date = PartialDate::parse(text).unwrap();
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn refuses_impossible_calendar_dates() {
        assert_eq!(
            PartialDate::parse("2023-02-31"),
            Err(DateError::Impossible("February 2023 has 28 days".into()))
        );
        assert_eq!(
            PartialDate::parse("2023-02-29"),
            Err(DateError::Impossible("February 2023 has 28 days".into()))
        );
        assert!(matches!(
            PartialDate::parse("2022-13"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            PartialDate::parse("2022-04-00"),
            Err(DateError::Impossible(_))
        ));
        for malformed in [
            "",
            "22",
            "2022-1",
            "25.09.2022",
            "2022-01-01-01",
            "2022-01-1x",
        ] {
            assert_eq!(
                PartialDate::parse(malformed),
                Err(DateError::Malformed),
                "{malformed}"
            );
        }
    }

    #[test]
    fn a_partial_date_spans_the_days_it_names() {
        let month = PartialDate::parse("2024-02").unwrap();
        assert_eq!(month.first_day().to_string(), "2024-02-01");
        assert_eq!(month.last_day().to_string(), "2024-02-29");
        let year = PartialDate::parse("2022").unwrap();
        assert_eq!(year.last_day().to_string(), "2022-12-31");
    }
}
