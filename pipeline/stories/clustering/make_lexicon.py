"""Builds lexicon.txt.gz: the lower-case English words of Debian's wamerican + wbritish word lists (SCOWL).

The clustering uses it to tell a capitalised common word ("Shareholders", "Series", "Energy") from a name
("Norvane", "Brussels"). Proper nouns are capitalised in those lists and so are left out. Run it where the
lists are installed (`apt-get install wamerican wbritish`); the output and the lists' licence
(LEXICON-NOTICE.txt, copied from /usr/share/doc/wamerican/copyright) are shipped, so nothing is installed
at run time:

    python -m pipeline.stories.clustering.make_lexicon
"""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A few modern words the lists lack, all ordinary lower-case vocabulary.
MODERN = """startup startups start-up online offline smartphone smartphones ransomware cybersecurity
electrolyser electrolysers electrolyzer electrolyzers gigafactory gigafactories fintech fintechs insurtech
e-bike e-bikes ebike chatbot chatbots blockchain cryptocurrency crypto hyperscale hyperscaler datacentre
datacenter wifi livestream app apps podcast podcasts ecommerce e-commerce lidar agrivoltaic microchip
microchips chipmaker chipmakers carmaker carmakers telecom telecoms subsea offshore onshore inverter
inverters decarbonise decarbonize greenwashing"""


def main() -> None:
    words = set(MODERN.split())
    for name in ("american-english", "british-english"):
        for line in Path("/usr/share/dict", name).read_text(encoding="utf-8", errors="ignore").splitlines():
            if re.fullmatch(r"[a-z]+", line):
                words.add(line)
    with gzip.GzipFile(HERE / "lexicon.txt.gz", "wb", mtime=0) as handle:
        handle.write("\n".join(sorted(words)).encode("utf-8"))
    shutil.copyfile("/usr/share/doc/wamerican/copyright", HERE / "LEXICON-NOTICE.txt")
    print(f"lexicon.txt.gz: {len(words)} words")


if __name__ == "__main__":
    main()
