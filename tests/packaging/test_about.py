"""The About dialog and the application icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from tumorboard import __version__
from tumorboard.gui.about import LICENCE_ID, AboutDialog
from tumorboard.gui.widgets.icons import ICON_SIZES, app_icon
from tumorboard.recommend import default_ruleset
from tumorboard.resources import resource_path

DB = str(Path("/srv") / "mdt" / "tumorboard.sqlite3")


@pytest.fixture
def dialog(qtbot: QtBot) -> AboutDialog:
    dlg = AboutDialog(DB)
    qtbot.addWidget(dlg)
    return dlg


def _texts(dlg: AboutDialog) -> str:
    return "\n".join(label.text() for label in dlg.findChildren(QLabel))


def test_about_shows_version_ruleset_database_licence_and_disclaimer(dialog: AboutDialog) -> None:
    ruleset = default_ruleset()
    texts = _texts(dialog)
    assert dialog.version_label.text() == __version__
    assert f"tumorboard {__version__}" in texts
    assert ruleset.id in dialog.ruleset_label.text()
    assert ruleset.version in dialog.ruleset_label.text()
    assert ruleset.title in dialog.ruleset_label.text()
    # The ruleset's changelog (what changed in this version, and why) is one hover away.
    assert dialog.ruleset_label.toolTip().startswith(f"Changes in {ruleset.version}")
    assert ruleset.changelog[0].changes[0][:40] in dialog.ruleset_label.toolTip()
    assert dialog.database_label.text() == DB
    assert LICENCE_ID in dialog.licence_label.text()
    assert "GNU General Public License" in dialog.licence_label.text()
    assert dialog.disclaimer_label.text() == ruleset.disclaimer
    assert "does not replace the judgement" in dialog.disclaimer_label.text()


def test_about_widgets_have_accessible_names(dialog: AboutDialog) -> None:
    assert dialog.accessibleName() == "About tumorboard"
    for label in (dialog.version_label, dialog.ruleset_label, dialog.database_label,
                  dialog.licence_label, dialog.disclaimer_label):
        assert label.accessibleName(), label.text()
    assert dialog.copy_button.accessibleName() == "Copy details"


def test_about_lays_out_every_line_without_clipping(qtbot: QtBot, dialog: AboutDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    for label in (dialog.ruleset_label, dialog.licence_label, dialog.disclaimer_label):
        assert label.height() >= label.heightForWidth(label.width()), label.accessibleName()


def test_copy_details_puts_the_facts_on_the_clipboard(dialog: AboutDialog) -> None:
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    ruleset = default_ruleset()
    assert f"tumorboard {__version__}" in copied
    assert f"{ruleset.id} {ruleset.version}" in copied
    assert DB in copied


def test_about_carries_the_app_icon(dialog: AboutDialog) -> None:
    assert not dialog.windowIcon().isNull()


def test_app_icon_has_every_rendered_size(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert sizes == set(ICON_SIZES)
    assert resource_path("icons", "tumorboard.svg").is_file()
    for size in ICON_SIZES:
        pixmap = icon.pixmap(size, size)
        assert (pixmap.width(), pixmap.height()) == (size, size)
