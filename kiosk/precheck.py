"""The quick pre-check before the ticket: "Sudah membawa…? / Did you bring…?".

After "Ambil Nomor Antrean" on a service that publishes requirements, the visitor sees
the same list the counter checks (`requirements.pairs()`, so a missing one is
named alike at both ends) as big toggles to tap — what they have with them. It only
advises: the ticket can be taken with anything unticked (the page then says that a
missing document may mean coming back), or the visitor goes back without one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton

from hub.config import Service
from kiosk.pages import Page
from kiosk.texts import t
from kiosk.widgets import RED, font, label


class PrecheckPage(Page):
    """The service's requirements as toggles, then take the ticket or go back."""

    def show_precheck(self, service: Service, language: str, brought: set[int],
                      can_issue: bool, on_toggle: Callable[[int, bool], None],
                      on_take: Callable[[], None], on_back: Callable[[], None]) -> None:
        """Rebuild with `brought` (indexes into the requirements) already ticked."""
        self.clear()
        other = "id" if language == "en" else "en"
        self.outer.addWidget(label(t("precheck_title", language), self.pt(30), bold=True))
        subtitle = label(t("precheck_title", other), self.pt(15))
        subtitle.setStyleSheet("color: #52606d;")
        self.outer.addWidget(subtitle)
        self.outer.addWidget(label(f"{service.name.get(language)} — "
                                   f"{t('precheck_how', language)}", self.pt(16)))
        pairs = service.requirements.pairs()
        grid = QGridLayout()
        grid.setSpacing(int(self.pt(14)))
        self.toggles: list[QPushButton] = []
        for index, (text_id, text_en) in enumerate(pairs):
            shown, second = (text_en, text_id) if language == "en" else (text_id, text_en)
            mark = "✓" if index in brought else "○"
            button = QPushButton(f"{mark}  {shown}\n      {second}")
            button.setObjectName("toggle")
            button.setCheckable(True)
            button.setChecked(index in brought)
            button.setFont(font(self.pt(17), index in brought))
            button.setMinimumHeight(int(self.pt(96)))
            button.setStyleSheet("text-align: left;")
            button.toggled.connect(lambda on, i=index: on_toggle(i, on))
            grid.addWidget(button, index // 2, index % 2)
            self.toggles.append(button)
        self.outer.addLayout(grid)
        self.outer.addStretch(1)
        missing = len(pairs) - len(brought & set(range(len(pairs))))
        verdict = label(t("precheck_missing", language, count=missing) if missing
                        else t("precheck_all", language), self.pt(18), bold=True,
                        align=Qt.AlignmentFlag.AlignHCenter)
        verdict.setStyleSheet(f"color: {RED if missing else '#1e8e3e'};")
        self.verdict = verdict
        self.outer.addWidget(verdict)
        row = QHBoxLayout()
        back = QPushButton(t("precheck_back", language))
        back.setFont(font(self.pt(20), True))
        back.setMinimumHeight(int(self.pt(110)))
        back.clicked.connect(on_back)
        self.take = QPushButton(t("precheck_take", language) if not missing
                                else t("take_ticket", language))
        self.take.setObjectName("primary")
        self.take.setFont(font(self.pt(24), True))
        self.take.setMinimumHeight(int(self.pt(110)))
        self.take.setEnabled(can_issue)
        self.take.clicked.connect(on_take)
        row.addWidget(back, 2)
        row.addWidget(self.take, 3)
        self.outer.addLayout(row)
