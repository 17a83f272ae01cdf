"""What a prompt says about its scene, as the parser found it: things, relations, setting, negations."""

from __future__ import annotations

from dataclasses import dataclass, field

from planners import priors


@dataclass
class Mention:
    """A described thing: one or more instances of one noun with the same details."""

    noun: str
    count: int
    category: str | None
    head: str                                    # the head as written, singular
    modifiers: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # (link, words): ("in", "a red hat")
    actions: list[str] = field(default_factory=list)              # "sitting", "holding an umbrella"
    pose: str | None = None
    zone: tuple[str | None, str | None] = (None, None)
    parent: int | None = None                    # split from a plural ("two cats, one black...")
    detail_nouns: list[str | None] = field(default_factory=list)  # the noun of each detail, if one
    proper: bool = False                         # a name ("Earth"): no article in its caption
    uncounted: bool = False                      # a bare plural ("hiking buddies"): how many was not said
    many: bool = False                           # one box for an uncounted many ("feeding pigeons")

    @property
    def is_person(self) -> bool:
        return self.category == priors.PERSON

    def add_detail(self, link: str, words: str, noun: str | None = None) -> None:
        self.details.append((link, words))
        self.detail_nouns.append(noun)

    def go_on_with_action(self, words: str, alone: str | None = None) -> None:
        """Words that finish what it does last ("glowing" becomes "glowing orange"); with nothing done
        yet, `alone` (when given) is what it does."""
        if self.actions:
            self.actions[-1] = f"{self.actions[-1]} {words}"
        elif alone is not None:
            self.actions.append(alone)


@dataclass(frozen=True)
class Relation:
    subject: int
    kind: str
    object: int
    third: int | None = None  # "between" has two objects
    words: str | None = None  # the words it was read from


@dataclass
class Description:
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    settings: list[tuple[str, str, bool]] = field(default_factory=list)  # (preposition, words, is a time)
    negations: list[str] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)  # character spans left out of the caption
    orders: list[tuple[str, bool, list[int]]] = field(default_factory=list)  # (axis, reversed, mentions)
    notes: list[str] = field(default_factory=list)
