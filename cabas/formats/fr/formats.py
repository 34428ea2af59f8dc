# Dates as a French shopper reads them: "mardi 1 décembre 2026 à 18:30".
DATETIME_FORMAT = r"l j F Y à H:i"
