"""The "Export my progress" box: writes the learner's export outside the course files, sends nothing."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from defence_course.i18n import _
from defence_course.paths import exports_dir
from defence_course.quiz.classprogress import (
    ClassProgressError,
    default_learner_name,
    export_file_name,
    export_progress,
    export_summary,
)
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.widgets.render import render_info


def export_widget(store: ProgressStore, folder: Path | None = None) -> widgets.VBox:
    """A name box and a button that write the progress export (as `defence-course progress
    export`, through the same code) outside the course's git checkout (`paths.exports_dir`),
    and say where; nothing is sent."""
    name = widgets.Text(value=default_learner_name(), description=_("Your name"),
                        placeholder=_("as your instructor knows you"),
                        tooltip=_("The name written into the export, for your instructor"))
    button = widgets.Button(description=_("Export my progress"),
                            tooltip=_("Write your quiz counts to a file for your instructor"))
    button.add_class("dc-export")
    message = widgets.HTML("")
    message.add_class("dc-export-message")

    def on_export(_button: widgets.Button | None = None) -> None:
        target = (folder or exports_dir()) / export_file_name(name.value)
        try:
            export = export_progress(target, name.value, store=store)
        except ClassProgressError as error:
            message.value = render_info(str(error))
            return
        message.value = render_info(_("Saved {path} (outside the course folder, so a course update "
                                      "never touches it): {summary}").format(
                                          path=target.resolve(), summary=export_summary(export)))

    button.on_click(on_export)
    box = widgets.VBox([widgets.HBox([name, button]), message])
    box.add_class("dc-export-box")
    return box
