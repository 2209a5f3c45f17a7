"""What English units and currencies are called, one and many (US spelling: kilometer, meter)."""

from __future__ import annotations

from typing import NamedTuple


class Name(NamedTuple):
    one: str
    many: str


UNITS: dict[str, Name] = {
    # energy and power
    "TWh": Name("terawatt hour", "terawatt hours"), "GWh": Name("gigawatt hour", "gigawatt hours"),
    "MWh": Name("megawatt hour", "megawatt hours"), "kWh": Name("kilowatt hour", "kilowatt hours"),
    "Wh": Name("watt hour", "watt hours"), "mAh": Name("milliamp hour", "milliamp hours"),
    "TW": Name("terawatt", "terawatts"), "GW": Name("gigawatt", "gigawatts"), "MW": Name("megawatt", "megawatts"),
    "kW": Name("kilowatt", "kilowatts"), "W": Name("watt", "watts"), "kV": Name("kilovolt", "kilovolts"),
    "V": Name("volt", "volts"),
    # length, area, mass
    "km": Name("kilometer", "kilometers"), "m": Name("meter", "meters"), "cm": Name("centimeter", "centimeters"),
    "mm": Name("millimeter", "millimeters"), "µm": Name("micrometer", "micrometers"),
    "μm": Name("micrometer", "micrometers"), "nm": Name("nanometer", "nanometers"),
    "km²": Name("square kilometer", "square kilometers"), "m²": Name("square meter", "square meters"),
    "ha": Name("hectare", "hectares"), "mi": Name("mile", "miles"), "ft": Name("foot", "feet"),
    "kg": Name("kilogram", "kilograms"), "g": Name("gram", "grams"), "mg": Name("milligram", "milligrams"),
    "t": Name("ton", "tons"), "lb": Name("pound", "pounds"), "lbs": Name("pound", "pounds"),
    # data and rates
    "PB": Name("petabyte", "petabytes"), "TB": Name("terabyte", "terabytes"), "GB": Name("gigabyte", "gigabytes"),
    "MB": Name("megabyte", "megabytes"), "kB": Name("kilobyte", "kilobytes"), "KB": Name("kilobyte", "kilobytes"),
    "Tb": Name("terabit", "terabits"), "Gb": Name("gigabit", "gigabits"), "Mb": Name("megabit", "megabits"),
    "Tbps": Name("terabit per second", "terabits per second"),
    "Gbps": Name("gigabit per second", "gigabits per second"),
    "Mbps": Name("megabit per second", "megabits per second"),
    "kbps": Name("kilobit per second", "kilobits per second"),
    "GHz": Name("gigahertz", "gigahertz"), "MHz": Name("megahertz", "megahertz"), "kHz": Name("kilohertz", "kilohertz"),
    "Hz": Name("hertz", "hertz"),
    # speed, temperature, time
    "mph": Name("mile per hour", "miles per hour"), "kph": Name("kilometer per hour", "kilometers per hour"),
    "°C": Name("degree Celsius", "degrees Celsius"), "℃": Name("degree Celsius", "degrees Celsius"),
    "°F": Name("degree Fahrenheit", "degrees Fahrenheit"), "°": Name("degree", "degrees"),
    "ms": Name("millisecond", "milliseconds"), "s": Name("second", "seconds"), "min": Name("minute", "minutes"),
    "h": Name("hour", "hours"),
    # ratios and scales
    "%": Name("percent", "percent"), "pp": Name("percentage point", "percentage points"),
    "bps": Name("basis point", "basis points"), "bp": Name("basis point", "basis points"),
    "mn": Name("million", "million"), "bn": Name("billion", "billion"), "tn": Name("trillion", "trillion"),
}

# Too short or too common to be read as a unit after "per" ("per m", "per s" are rarely meant so).
NOT_AFTER_PER = frozenset(unit for unit in UNITS if len(unit) == 1) | {"ha", "mi", "bn", "mn", "tn", "pp", "bp"}


class Currency(NamedTuple):
    one: str
    many: str
    minor_one: str | None = None
    minor_many: str | None = None


DOLLAR = Currency("dollar", "dollars", "cent", "cents")
EURO = Currency("euro", "euros", "cent", "cents")
POUND = Currency("pound", "pounds", "penny", "pence")
YEN = Currency("yen", "yen")

SYMBOLS: dict[str, Currency] = {
    "US$": DOLLAR, "A$": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "$": DOLLAR, "€": EURO, "£": POUND, "¥": YEN, "₹": Currency("rupee", "rupees"),
}
CODES: dict[str, Currency] = {
    "USD": DOLLAR, "EUR": EURO, "GBP": POUND, "JPY": YEN, "CNY": Currency("yuan", "yuan"),
    "CHF": Currency("Swiss franc", "Swiss francs", "centime", "centimes"),
    "SEK": Currency("Swedish krona", "Swedish kronor"), "NOK": Currency("Norwegian krone", "Norwegian kroner"),
    "DKK": Currency("Danish krone", "Danish kroner"), "CAD": SYMBOLS["C$"], "AUD": SYMBOLS["A$"],
    "INR": SYMBOLS["₹"],
}
# After an amount of money: "£300m", "€2.4bn", "$5k", "€2.4 billion".
MONEY_SCALES = {"k": "thousand", "K": "thousand", "m": "million", "M": "million", "mn": "million", "bn": "billion",
                "b": "billion", "B": "billion", "tn": "trillion", "T": "trillion",
                "thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion"}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
