"""The words that tell the offline writer what a source sentence holds, for English and Dutch text.

A source may be in either language whatever the show's language, so the writer reads every sentence
with both lists. Each list maps a kind of fact to the words that signal it; the questions the hosts
ask about each kind are in prompts/<language>/extractive.yaml.
"""

from __future__ import annotations

import re

MONEY = {"euro", "euros", "dollar", "dollars", "pound", "pounds", "francs", "franc", "kronor", "krone", "kroner",
         "yen", "yuan", "cents", "eurocent"}
SCALES = {"thousand", "million", "billion", "trillion", "duizend", "miljoen", "miljard", "biljoen"}
FUNDING = {"financed", "funded", "funding", "loan", "loans", "raised", "raises", "raise", "invest", "invested",
           "investment", "investors", "grant", "subsidy", "backed", "gefinancierd", "lening", "investering",
           "investeerders", "subsidie", "opgehaald"}
COST = {"cost", "costs", "costing", "price", "priced", "prices", "pay", "pays", "paid", "spend", "spent", "budget",
        "fine", "fined", "compensation", "kost", "kosten", "kostte", "prijs", "betaalt", "betalen", "boete"}
JOBS = {"employs", "employ", "employed", "employees", "jobs", "workers", "staff", "workforce", "hire", "hiring",
        "banen", "werknemers", "personeel", "medewerkers", "werkgelegenheid"}
PEOPLE_UNITS = {"people", "employees", "workers", "staff", "engineers", "researchers", "mensen", "medewerkers"}
START = {"start", "starts", "started", "begin", "begins", "launch", "launches", "open", "opens", "from", "until",
         "roll", "rolls", "arrive", "arrives", "due", "vanaf", "begint", "opent", "tot"}
PLAN = {"plans", "plan", "planned", "expects", "expected", "aims", "intends", "will", "wants", "hopes", "target",
        "targets", "goal", "verwacht", "wil", "zal", "gaat", "plannen", "streeft"}
REASON = {"because", "after", "since", "caused", "cause", "blamed", "following", "reason", "omdat", "doordat",
          "vanwege", "oorzaak", "veroorzaakt", "nadat"}
CONSEQUENCE = {"means", "mean", "could", "would", "allow", "allows", "let", "lets", "enough", "help", "helps",
               "enable", "enables", "betekent", "kunnen", "zouden", "genoeg", "waardoor"}
COMPARE = {"than", "compared", "twice", "double", "half", "faster", "cheaper", "more", "less", "dan", "vergeleken",
           "sneller", "goedkoper", "dubbel", "helft"}
CATCH = {"not", "no", "risk", "risks", "warn", "warned", "warns", "concern", "concerns", "criticised", "criticized",
         "challenge", "test", "however", "declined", "disclose", "unclear", "yet", "niet", "geen", "risico",
         "waarschuwt", "zorgen", "kritiek", "onduidelijk"}
HOW = {"replace", "replaces", "works", "instead", "technology", "converts", "vervangt", "werkt", "technologie"}
PLACE = {"based", "located", "lies", "site", "headquartered", "gevestigd", "ligt", "locatie"}
# Who a consequence is for: "What does that mean for drivers?" takes its noun from the sentence.
GROUPS = {"drivers", "customers", "users", "passengers", "patients", "carmakers", "companies", "researchers",
          "homeowners", "travellers", "travelers", "commuters", "subscribers", "owners", "cities", "hospitals",
          "labs", "students", "families", "households", "businesses", "consumers", "buyers", "farmers", "fishermen",
          "residents", "airlines", "developers", "readers", "listeners", "workers", "shoppers", "investors",
          "automobilisten", "klanten", "gebruikers", "reizigers", "patiënten", "bedrijven",
          "huishoudens", "consumenten", "bewoners", "inwoners", "studenten", "ziekenhuizen", "boeren"}
SAID = {"said", "says", "added", "told", "explained", "warned", "noted", "argued", "zei", "zegt", "aldus",
        "vertelde", "voegde", "stelt"}
INSIDER_ROLES = ("chief", "executive", "founder", "director", "head", "officer", "spokes", "president", "chair",
                 "manager", "minister", "mayor", "directeur", "woordvoerder", "oprichter", "topman", "bestuurder",
                 "hoofd", "wethouder", "burgemeester")
EXPERT_ROLES = ("analyst", "researcher", "professor", "expert", "economist", "scientist", "lawyer", "consultant",
                "analist", "onderzoeker", "hoogleraar", "deskundige", "econoom", "advocaat")
DATES = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"januari|februari|maart|mei|juni|juli|augustus|oktober|spring|summer|autumn|winter|voorjaar|zomer|najaar)\b",
    re.IGNORECASE,
)
BY_WHEN = re.compile(r"\b(?:by|before|uiterlijk|voor)\s+(?:the end of\s+|eind\s+|late\s+|early\s+)?(?:\w+\s)?(?:19|20)\d\d\b",
                     re.IGNORECASE)
DURATIONS = {"minute", "hour", "day", "week", "month", "year", "second", "minuten", "uren", "dagen", "weken",
             "maanden", "jaren", "seconden"}
# Units one measures in rather than counts: "How many kilometres?" is not a question a host asks.
MEASURE_UNITS = {"percent", "procent", "kilometres", "kilometers", "metres", "meters", "micrometres", "tonnes", "tons",
                 "kilograms", "gigabytes", "terabytes", "megabytes", "hectares", "degrees", "minutes", "hours", "days",
                 "weeks", "months", "years", "seconds", "kilometer", "meter", "ton", "kilo", "graden", "people"}
# Units a figure may carry in the singular ("a 320 megawatt battery", "a 6 hectare site").
SINGULAR_UNITS = {"watt", "kilowatt", "megawatt", "gigawatt", "terawatt", "kilowatt-hour", "megawatt-hour",
                  "gigawatt-hour", "terawatt-hour", "watt-hour", "hectare", "kilometre", "kilometer", "tonne", "ton",
                  "metre", "meter", "gigabyte", "terabyte", "megabit", "gigabit", "kilogram", "qubit"}
