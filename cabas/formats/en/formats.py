DATETIME_FORMAT = r"l j F Y, H:i"
