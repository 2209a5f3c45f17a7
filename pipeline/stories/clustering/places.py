"""Well-known places and their adjectives: names that many unrelated stories share.

A shared "Amsterdam" or "Dutch" is weak evidence that two items tell one story, and such a name does not
make an item's subject (so "Dutch startup raises ..." about two firms still conflicts on the firms).
General knowledge, not tuned to any fixture: countries, EU and neighbouring regions, large cities.
Lower-case, accents removed; multiword names as their words.
"""

PLACES = frozenset("""
europe european europeans eu eurozone benelux nordic nordics baltic baltics scandinavia scandinavian
balkans iberia iberian mediterranean atlantic pacific arctic alps alpine asia asian africa african
america american americans americas latin caribbean oceania australia australian middle east west north
south western eastern northern southern central gulf sea ocean
netherlands holland dutch belgium belgian flanders flemish wallonia walloon brussels germany german
germans france french britain british uk england english scotland scottish wales welsh ireland irish
northern luxembourg luxembourgish austria austrian switzerland swiss italy italian spain spanish
portugal portuguese denmark danish sweden swedish norway norwegian finland finnish iceland icelandic
estonia estonian latvia latvian lithuania lithuanian poland polish czech czechia slovakia slovak
hungary hungarian romania romanian bulgaria bulgarian greece greek cyprus cypriot malta maltese croatia
croatian slovenia slovenian serbia serbian bosnia albania albanian montenegro macedonia kosovo ukraine
ukrainian russia russian belarus moldova georgia armenia azerbaijan turkey turkish israel israeli
egypt egyptian morocco moroccan algeria tunisia libya nigeria kenya ethiopia ghana senegal
saudi arabia uae emirates dubai qatar kuwait oman iran iraq syria lebanon jordan
china chinese japan japanese korea korean taiwan taiwanese hong kong singapore india indian pakistan
bangladesh indonesia indonesian malaysia thailand vietnam vietnamese philippines
usa us united states canada canadian mexico mexican brazil brazilian argentina chile colombia peru
new zealand
amsterdam rotterdam hague utrecht eindhoven groningen tilburg almere breda nijmegen apeldoorn haarlem
arnhem enschede amersfoort zaanstad delft leiden maastricht zwolle dordrecht venlo schiphol zeeland
friesland drenthe overijssel gelderland brabant limburg holland randstad
antwerp ghent bruges leuven liege charleroi namur mechelen
berlin hamburg munich frankfurt cologne stuttgart dusseldorf dortmund essen leipzig dresden hanover
bremen nuremberg bavaria saxony hesse rhineland westphalia baden wurttemberg
paris lyon marseille toulouse nice nantes strasbourg lille bordeaux grenoble
london manchester birmingham edinburgh glasgow cardiff belfast dublin cork
madrid barcelona valencia seville bilbao lisbon porto milan rome turin naples florence venice bologna
vienna zurich geneva basel bern lausanne prague bratislava budapest warsaw krakow wroclaw gdansk
copenhagen aarhus stockholm gothenburg malmo oslo bergen helsinki tampere tallinn riga vilnius
athens bucharest sofia zagreb ljubljana belgrade kyiv kiev moscow istanbul ankara
tokyo osaka seoul beijing shanghai shenzhen taipei mumbai delhi bangalore
washington york california texas silicon valley boston chicago seattle san francisco toronto
""".split())
