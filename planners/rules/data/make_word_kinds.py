"""Write `word_kinds.txt.gz`: English nouns that WordNet 3.0 knows only as people or only as
animals, one "word<TAB>person|animal" per line, for the rules planner's open-vocabulary
fallback ("a bench for visitors", "two spectators", "a jerboa").

Run by hand when the list should change; the product only reads the file it writes:

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
    python planners/rules/data/make_word_kinds.py wn/usr/share/wordnet

Only words every noun sense of which is a person (or every one an animal) are kept: "visitor" and
"spectator" are people in every sense, while "guide", "carrier" and "knocker" are also things and
"sage" a plant, so a reader cannot tell from the word alone. Proper names ("Crane", the poet) are
written with a capital in the synsets and are left out, and so are words that are not single
alphabetic words.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

_KINDS = {18: "person", 5: "animal"}  # lex_filenum of noun.person and noun.animal


def _synsets(data_noun: Path) -> dict[str, tuple[int, list[str]]]:
    synsets = {}
    for line in data_noun.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split()
        count = int(fields[3], 16)
        synsets[fields[0]] = (int(fields[1]), [re.sub(r"\(.*\)$", "", fields[4 + 2 * k]) for k in range(count)])
    return synsets


def word_kinds(wordnet: Path) -> list[tuple[str, str]]:
    synsets = _synsets(wordnet / "data.noun")
    found = []
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        word = fields[0]
        if not (word.isalpha() and word.isascii()):
            continue
        senses = [synsets[offset] for offset in fields[6 + int(fields[3]):]]  # after the pointers and counts
        lexfile, members = senses[0]
        if lexfile in _KINDS and word in members and all(other == lexfile for other, _ in senses):
            found.append((word, _KINDS[lexfile]))  # in lower case there: no proper name
    return found


def main() -> None:
    kinds = word_kinds(Path(sys.argv[1]))
    out = Path(__file__).with_name("word_kinds.txt.gz")
    with gzip.GzipFile(out, "wb", mtime=0) as handle:  # mtime=0: the same input gives the same bytes
        handle.write("".join(f"{word}\t{kind}\n" for word, kind in kinds).encode())
    print(f"{len(kinds)} words -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
