"""Chinese is the default language of the UI: the zh_Hans catalogue must be complete, both as
it stands and against the strings the code marks for translation today."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import polib
import pytest
from conftest import REPO_ROOT
from django.core.management import call_command
from pytest_django.fixtures import Settings

CATALOGUE = Path("zh_Hans") / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def untranslated(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po.untranslated_entries() if not entry.obsolete]


def fuzzy(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po.fuzzy_entries() if not entry.obsolete]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_message_of_the_chinese_catalogue_is_translated() -> None:
    po = polib.pofile(str(REPO_ROOT / "locale" / CATALOGUE))

    assert len(po) > 0
    assert untranslated(po) == []
    assert fuzzy(po) == []


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_no_message_is_defined_twice_in_a_catalogue(language: str) -> None:
    """GNU gettext refuses a catalogue with a message defined twice (``makemessages`` stops on
    it), although Django's loader would read it: a merge of two branches' catalogues can
    leave one."""
    po = polib.pofile(str(REPO_ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    keys = [(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete]

    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_chinese_translations_keep_every_placeholder() -> None:
    po = polib.pofile(str(REPO_ROOT / "locale" / CATALOGUE))

    for entry in po.translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = {name for source in sources for name in PLACEHOLDER.findall(source)}
        for translation in translations:
            assert set(PLACEHOLDER.findall(translation)) == expected, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_chinese_catalogue_covers_every_string_in_the_code(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # makemessages always writes into ./locale of the directory it runs in, whatever
    # LOCALE_PATHS says, so it runs in a copy of the source: the real catalogue is the
    # translators' file and must not be rewritten by a test.
    source = tmp_path / "source"
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "var", "tests", "node_modules", "*.egg-info", "__pycache__", "*.mo"
        ),
    )
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    real_catalogue = digest(REPO_ROOT / "locale" / CATALOGUE)

    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)

    assert digest(REPO_ROOT / "locale" / CATALOGUE) == real_catalogue
    regenerated = polib.pofile(str(source / "locale" / CATALOGUE))
    assert len(regenerated) >= len(polib.pofile(str(REPO_ROOT / "locale" / CATALOGUE)))
    assert untranslated(regenerated) == []
    assert fuzzy(regenerated) == []
