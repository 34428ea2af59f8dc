# Dates as a French shopper reads them: "mardi 1 décembre 2026 à 18:30". Templates and code name
# these formats (date:"DATETIME_FORMAT") rather than spelling them, so English gets its own.
DATE_FORMAT = "j F Y"  # 8 décembre 2026
DATETIME_FORMAT = r"l j F Y à H:i"  # mardi 8 décembre 2026 à 18:30
SHORT_DATE_FORMAT = "d/m/Y"  # 08/12/2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 8 déc. 2026 18:30
TIME_FORMAT = "H:i"  # 18:30
YEAR_MONTH_FORMAT = "F Y"  # décembre 2026
MONTH_DAY_FORMAT = "j F"  # 8 décembre
