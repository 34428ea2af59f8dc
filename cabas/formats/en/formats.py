# Dates in British English: "Tuesday 8 December 2026, 18:30", day before month, 24-hour clock.
DATE_FORMAT = "j F Y"  # 8 December 2026
DATETIME_FORMAT = r"l j F Y, H:i"  # Tuesday 8 December 2026, 18:30
SHORT_DATE_FORMAT = "d/m/Y"  # 08/12/2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 8 Dec 2026 18:30
TIME_FORMAT = "H:i"  # 18:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 8 December
