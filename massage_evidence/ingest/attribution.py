"""Who asserts each span: the person or organisation the text itself names, or None (the article).

Follows the text: "says Reyes", "Reyes adds", "according to the Mayo Clinic", a story told of a
named person ("Kanter first started seeing Cohen"), a quotation that goes on after its speaker
was named, and a lead-in that hands the list below it to one speaker ("Cohen's advice … is the
following:"). A surname alone is written as the fullest name the text gives for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import Cues
from .segment import ITEM, Span

_NAME = r"(?:[A-Z][a-z'’.-]+|@\w+)(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+)){0,3}(?:,\s+M\.D\.)?"


def _patterns(cues: Cues) -> list[re.Pattern[str]]:
    verbs = "|".join(re.escape(v) for v in cues.attribution_verbs)
    phrases = "|".join(re.escape(p) for p in cues.attribution_phrases)
    return [
        re.compile(rf"\b(?:{verbs})\s+(?P<name>{_NAME})"),  # says Reyes
        re.compile(rf"(?P<name>{_NAME})\s+(?:{verbs})\b"),  # Reyes adds
        re.compile(rf"(?i:{phrases})\s+(?:the\s+)?(?P<name>{_NAME})"),  # according to …
    ]


def _clean(name: str, cues: Cues) -> str | None:
    words = name.replace(", M.D.", "").split()
    while words and words[0] in cues.not_names:
        words = words[1:]
    if not words or words[0].lower() in cues.pronouns:
        return None
    return " ".join(words)


def _surname(name: str) -> str:
    return name.split()[-1].lower()


class Speakers:
    """The people a text names as speakers or story subjects, by surname, fullest name kept."""

    def __init__(self, text: str, cues: Cues) -> None:
        self.cues = cues
        self.patterns = _patterns(cues)
        self.names: dict[str, str] = {}
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                self._add(match.group("name"))
        for match in re.finditer(rf"(?P<name>{_NAME}),\s+(?:a|an|the)\s+[a-z]", text):
            self._add(match.group("name"), only_full=True)
        for match in re.finditer(r"\b(?P<name>[A-Z][a-z]+ [A-Z][a-z]+) (?:is|was|has|had)\b", text):
            self._add(match.group("name"), only_full=True)

    def _add(self, raw: str, only_full: bool = False) -> None:
        name = _clean(raw, self.cues)
        if name is None or (only_full and " " not in name):
            return
        known = self.names.get(_surname(name))
        if known is None or len(name) > len(known):
            self.names[_surname(name)] = name

    def named_in(self, span_text: str) -> str | None:
        """The speaker an attribution in `span_text` names, when it names one."""
        for pattern in self.patterns:
            for match in pattern.finditer(span_text):
                name = _clean(match.group("name"), self.cues)
                if name is not None and _surname(name) in self.names:
                    return self.names[_surname(name)]
        return None

    def by_pronoun(self, span_text: str) -> bool:
        """Whether `span_text` attributes itself to a pronoun: "he says", "she adds"."""
        pronouns = "|".join(self.cues.pronouns)
        verbs = "|".join(re.escape(v) for v in self.cues.attribution_verbs)
        pattern = rf"\b(?i:{pronouns})\s+(?:{verbs})\b|\b(?:{verbs})\s+(?i:{pronouns})\b"
        return re.search(pattern, span_text) is not None

    def subject_of(self, span_text: str) -> str | None:
        """A known person the span opens with: the subject of a story told about them."""
        first = re.match(r"[“\"]?([A-Z][a-z'’-]+)", span_text)
        if first and first.group(1).lower() in self.names:
            return self.names[first.group(1).lower()]
        return None


SPEAKS, STORY = "speaks", "story"


@dataclass(frozen=True)
class Attribution:
    """Who a span is from (a name as the text gives it, or None) and how: speaking or a story."""

    name: str | None
    how: str | None  # SPEAKS, STORY, or None for the article's own voice


def attribute(spans: list[Span], text: str, cues: Cues) -> list[Attribution]:
    """The attribution of each span, in order."""
    speakers = Speakers(text, cues)
    result: list[Attribution] = []
    lead: str | None = None  # a speaker handed the list that follows
    last_speaker: str | None = None  # the last person named as speaking
    last_subject: str | None = None  # the last person a sentence was about
    previous: Span | None = None
    for span in spans:
        if span.position == 0 and span.kind != ITEM:
            lead = None
        named = speakers.named_in(span.text)
        if any(phrase in span.text for phrase in cues.speaker_lead):
            lead = named or _owner(span.text, speakers)
        before = text[span.block_start : span.start]
        in_quotation = before.count("“") > before.count("”") or before.count('"') % 2 == 1
        speaker = named
        if speaker is None and speakers.by_pronoun(span.text):
            speaker = last_speaker
        quoted = in_quotation or span.text[:1] in '“"'
        if speaker is None and quoted and previous is not None and previous.block == span.block:
            speaker = result[-1].name
        if speaker is None and span.kind == ITEM and lead is not None:
            speaker = lead
        how = SPEAKS if speaker is not None else None
        subject = speakers.subject_of(span.text)
        if speaker is None and subject is not None:
            speaker, how = subject, STORY
        if speaker is None and span.text.split(" ", 1)[0].lower() in cues.pronouns:
            speaker = last_subject
            how = STORY if speaker is not None else None
        if named is not None or (speaker is not None and speakers.by_pronoun(span.text)):
            last_speaker = speaker
        if subject is not None:
            last_subject = subject
        result.append(Attribution(speaker, how))
        previous = span
    return result


def _owner(span_text: str, speakers: Speakers) -> str | None:
    """The person whose advice a lead-in announces: "Cohen's advice …"."""
    match = re.search(r"([A-Z][a-z-]+)['’]s\b", span_text)
    if match and match.group(1).lower() in speakers.names:
        return speakers.names[match.group(1).lower()]
    return None
