"""A structured argument a learner fills in and keeps: claim, evidence for, evidence against, verdict.

One call from a lesson, `argument_builder()`, shows the form; Save writes it atomically to a
small JSON file in the learner's data directory, and the next `argument_builder()` (another day,
a restarted kernel) shows it again. A file that cannot be read is moved aside, never overwritten.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from string import Template
from typing import Any

import ipywidgets as widgets

from defence_course.atomic import atomic_write
from defence_course.display import show_widget
from defence_course.errors import DefenceCourseError
from defence_course.i18n import N_, _, ngettext
from defence_course.paths import ARGUMENTS_ENV, arguments_dir
from defence_course.static import outline

FORMAT_VERSION = 1
UNDECIDED = N_("not decided yet")
VERDICTS = (UNDECIDED, N_("supported"), N_("partly supported"), N_("not supported"),
            N_("cannot be checked"))
"""The verdicts a learner can give, in the order the menu shows them."""
MAX_CLAIMS = 12
MAX_TEXT_CHARS = 20_000

DEFAULT_CLAIMS = (
    N_("The partnership breaks with Canada's and Europe's earlier reliance on the United States for "
       "their defence."),
    N_("Canada and the EU are moving toward 'collaborative sovereignty' in defence."),
    N_("Pressure from the US administration is what made NATO's European Allies and Canada spend "
       "more."),
    "",
)
"""Claims the form starts with: the news report's framing in the course's own words, then a
blank one for the learner's own claim."""


class ArgumentFileError(DefenceCourseError):
    """A saved argument file exists but cannot be used (not JSON, wrong shape, unreadable)."""


@dataclass
class Argument:
    """One claim and the learner's case for and against it."""

    claim: str = ""
    evidence_for: str = ""
    evidence_against: str = ""
    verdict: str = UNDECIDED

    def is_empty(self) -> bool:
        """True when nothing has been written (a blank card is not worth saving as a claim)."""
        return not any(t.strip() for t in (self.claim, self.evidence_for, self.evidence_against))


@dataclass
class SavedArguments:
    """What the file holds: the arguments and when they were last saved."""

    arguments: list[Argument] = field(default_factory=list)
    saved_at: str = ""


def _argument_from(raw: Any, where: str) -> Argument:
    """Rebuild one argument from JSON, naming what is wrong so a hand-edit can be fixed."""
    if not isinstance(raw, dict):
        raise ArgumentFileError(f"{where} is not an object with claim, evidence and verdict")
    values = {}
    for name in ("claim", "evidence_for", "evidence_against", "verdict"):
        value = raw.get(name, UNDECIDED if name == "verdict" else "")
        if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
            raise ArgumentFileError(f"{where}, field {name!r}: expected text of at most "
                                    f"{MAX_TEXT_CHARS} characters")
        values[name] = value
    if values["verdict"] not in VERDICTS:
        raise ArgumentFileError(f"{where}, field 'verdict': {values['verdict']!r} is not one of "
                                f"{', '.join(VERDICTS)}")
    return Argument(**values)


def parse_saved(text: str) -> SavedArguments:
    """Read the file's text, or raise ArgumentFileError saying what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArgumentFileError(f"not valid JSON ({error})") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ArgumentFileError(f"not a version-{FORMAT_VERSION} argument file")
    items = data.get("arguments")
    if not isinstance(items, list) or len(items) > MAX_CLAIMS:
        raise ArgumentFileError(f"'arguments' must be a list of at most {MAX_CLAIMS} claims")
    saved_at = data.get("saved_at", "")
    arguments = [_argument_from(raw, f"claim {i}") for i, raw in enumerate(items, start=1)]
    return SavedArguments(arguments, saved_at if isinstance(saved_at, str) else "")


def render_saved(saved: SavedArguments) -> str:
    """The file's text: stable key order and indentation, so it reads well and diffs cleanly."""
    data = {"version": FORMAT_VERSION, "saved_at": saved.saved_at,
            "arguments": [asdict(a) for a in saved.arguments]}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class ArgumentStore:
    """Load and save one named argument file; problems come back as messages, never as a crash.

    Why never raise to the learner: the form must keep what they typed even when the disk is
    read-only or the file was damaged; they are told what happened and where their text is.
    """

    def __init__(self, name: str, folder: str | os.PathLike[str] | None = None) -> None:
        if not name or any(c in name for c in "/\\\0") or name.startswith("."):
            raise ValueError(f"an argument name is a plain file stem, got {name!r}")
        self.path = Path(folder if folder is not None else arguments_dir()) / f"{name}.json"
        self._seen: str | None = None  # digest of the file as we last read or wrote it
        self._blocked = False  # True while an unreadable file could not be moved aside

    def _read_bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _keep_aside(self, kind: str) -> Path:
        """Move the current file to a dated name next to it (raises OSError if it cannot)."""
        aside = self.path.with_name(f"{self.path.name}.{kind}-{_stamp()}")
        os.replace(self.path, aside)
        return aside

    def load(self) -> tuple[SavedArguments | None, str]:
        """The saved arguments (None when there are none) and a message for the learner."""
        try:
            raw = self._read_bytes()
        except OSError as error:
            self._blocked = True
            return None, _("Your saved argument at {path} cannot be read ({error}); saving is off "
                           "so it is not overwritten.").format(path=self.path, error=error)
        self._seen = _digest(raw)
        if raw is None:
            return None, ""
        try:
            saved = parse_saved(raw.decode("utf-8"))
        except (ArgumentFileError, UnicodeDecodeError) as error:
            return None, self._set_aside_unreadable(error)
        return saved, _("Loaded your argument saved {when} from {path}.").format(
            when=saved.saved_at or _("earlier"), path=self.path)

    def _set_aside_unreadable(self, error: Exception) -> str:
        reason = str(error) if isinstance(error, ArgumentFileError) else _("not UTF-8 text")
        try:
            aside = self._keep_aside("unreadable")
        except OSError as move_error:
            self._blocked = True
            return _("Your saved argument at {path} could not be read ({reason}) nor moved aside "
                     "({error}); saving is off so it is not overwritten. Move or fix the file, then "
                     "run the cell again.").format(path=self.path, reason=reason, error=move_error)
        self._seen = None
        return _("Your saved argument could not be read ({reason}). Nothing is lost: the file was "
                 "kept as {aside}. The form starts again from the lesson's claims.").format(
                     reason=reason, aside=aside)

    def save(self, arguments: list[Argument]) -> str:
        """Write the arguments atomically; return what happened, in words for the learner."""
        if self._blocked:
            return _("Not saved: {path} holds a file that could not be read, and saving would "
                     "overwrite it. Move or fix that file, then run the cell again.").format(
                         path=self.path)
        kept = [a for a in arguments if not a.is_empty()][:MAX_CLAIMS]
        saved = SavedArguments(kept, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        text = render_saved(saved)
        try:
            note = self._keep_changes_made_elsewhere(text)
            atomic_write(self.path, text)
        except OSError as error:
            return _("Not saved ({error}). Your text is still in the form: copy it somewhere safe, "
                     "or set {env} to a folder you can write to.").format(error=error,
                                                                          env=ARGUMENTS_ENV)
        self._seen = _digest(text.encode("utf-8"))
        return ngettext("Saved {n} claim at {when} to {path}.", "Saved {n} claims at {when} to {path}.",
                        len(kept)).format(n=len(kept), when=saved.saved_at, path=self.path) + note

    def _keep_changes_made_elsewhere(self, text: str) -> str:
        """If another notebook saved this file since we read it, keep its version aside first."""
        current = self._read_bytes()
        if current is None or _digest(current) in (self._seen, _digest(text.encode("utf-8"))):
            return ""
        aside = self._keep_aside("other-save")
        return " " + _("Another notebook had saved a different version; it was kept as {name}.").format(
            name=aside.name)


# --------------------------------------------------------------------------------- the form

_HEADING = Template('<h4 class="dc-argument-heading">$text</h4>')
# role="status": screen readers announce a new message (saved, not saved) without a focus move.
_STATUS = Template('<span role="status" class="dc-argument-status">$text</span>')
_FULL = widgets.Layout(width="98%")
_BOX = widgets.Layout(border="1px solid #767676", padding="0.5em", margin="0 0 0.75em 0")
_STYLE = {"description_width": "11em"}


@dataclass
class ClaimCard:
    """The widgets of one claim; `argument()` reads what the learner wrote."""

    box: widgets.VBox
    claim: widgets.Textarea
    evidence_for: widgets.Textarea
    evidence_against: widgets.Textarea
    verdict: widgets.Dropdown

    def argument(self) -> Argument:
        return Argument(self.claim.value, self.evidence_for.value, self.evidence_against.value,
                        self.verdict.value)


def _card(number: int, argument: Argument) -> ClaimCard:
    """One bordered box: a heading, three labelled text areas and a verdict menu."""
    heading = widgets.HTML(_HEADING.substitute(text=html.escape(_("Claim {number}").format(number=number))))

    def area(label: str, value: str, placeholder: str, rows: int) -> widgets.Textarea:
        return widgets.Textarea(value=value, description=label, placeholder=placeholder, rows=rows,
                                layout=_FULL, style=_STYLE)

    claim = area(_("Claim"), argument.claim, _("A claim to test, in your words"), 2)
    evidence_for = area(_("Evidence for"), argument.evidence_for,
                        _("Data or quotes that support it, each with its source"), 4)
    evidence_against = area(_("Evidence against"), argument.evidence_against,
                            _("Data or quotes that weaken it, each with its source"), 4)
    # The saved value stays the English word; the menu shows it in the notebook's language.
    labels = [_(v) for v in VERDICTS]
    options = list(VERDICTS) if labels == list(VERDICTS) else list(zip(labels, VERDICTS, strict=True))
    verdict = widgets.Dropdown(options=options, value=argument.verdict, description=_("Verdict"),
                               style=_STYLE)
    box = widgets.VBox([heading, claim, evidence_for, evidence_against, verdict], layout=_BOX)
    return ClaimCard(box, claim, evidence_for, evidence_against, verdict)


@dataclass
class ArgumentView:
    """The whole form: one card per claim, a Save button and a status line."""

    widget: widgets.VBox
    cards: list[ClaimCard]
    save: widgets.Button
    status: widgets.HTML
    store: ArgumentStore
    message: str = ""

    def arguments(self) -> list[Argument]:
        return [card.argument() for card in self.cards]

    def tell(self, message: str) -> None:
        """Show a message in the status line (escaped: it may quote a path or a file's error)."""
        self.message = message
        self.status.value = _STATUS.substitute(text=html.escape(message))

    def click_save(self) -> None:
        """What the Save button does (tests call it to press the button)."""
        self.tell(self.store.save(self.arguments()))


def _starting_arguments(saved: SavedArguments | None, claims: tuple[str, ...]) -> list[Argument]:
    """The saved claims, topped up with one blank card; else the lesson's own claims."""
    if saved is None or not saved.arguments:
        return [Argument(claim=_(c) if c else c) for c in claims]  # the lesson's claims, translated
    arguments = list(saved.arguments)
    if len(arguments) < MAX_CLAIMS and not any(a.is_empty() for a in arguments):
        arguments.append(Argument())
    return arguments


def build_argument(name: str = "07-a-new-alignment", claims: tuple[str, ...] = DEFAULT_CLAIMS, *,
                   folder: str | os.PathLike[str] | None = None) -> ArgumentView:
    """Build the form, filled from the learner's saved file when there is one."""
    store = ArgumentStore(name, folder)
    saved, message = store.load()
    cards = [_card(i, a) for i, a in enumerate(_starting_arguments(saved, claims), start=1)]
    save = widgets.Button(description=_("Save my argument"), button_style="primary", icon="save",
                          tooltip=_("Save to {path}").format(path=store.path),
                          layout=widgets.Layout(width="auto", min_width="13em", flex="0 0 auto"))
    status = widgets.HTML(layout=widgets.Layout(margin="0 0 0 1em"))
    view = ArgumentView(widgets.VBox([*(c.box for c in cards), widgets.HBox([save, status])]),
                        cards, save, status, store)
    view.tell(message or _("Not saved yet. Save writes to {path}.").format(path=store.path))
    save.on_click(lambda _button: view.click_save())
    return view


def argument_builder(name: str = "07-a-new-alignment", claims: tuple[str, ...] = DEFAULT_CLAIMS) -> None:
    """Show the structured-argument form in a notebook (the one call a lesson makes)."""
    what = _("Form: your argument, claim by claim")
    how = _("For each claim below (and one of your own), you write the evidence for it, the evidence "
            "against it and your verdict, and save them in JupyterLab. The claims to start from:")
    show_widget(build_argument(name, claims).widget, what,
                static=lambda: outline(what, [_(c) for c in claims if c], how))
