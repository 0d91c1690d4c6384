"""The outcome dialog of "Selesai": served, berkas tidak lengkap (a checklist), or referred.

Opened by the Finish button (F6/Enter). Enter at once finishes as served, so the usual
visit costs one key more than before; a touch on "Berkas tidak lengkap" shows the
service's published requirements (from the configuration the hub sent, Indonesian
first, English under each) as big toggles, and "Dirujuk" the other tenants and a line
to write where. Which outcome is valid is the hub's rule (QueueEngine.finish); the
dialog only keeps its Finish button off until the choice says something.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display.counter.dialogs import ROLE_ID, _title
from hub.config import MallConfig

OUTCOMES: dict[str, tuple[str, str, str]] = {
    "served": ("Dilayani", "Served", "#15803d"),
    "incomplete_documents": ("Berkas tidak lengkap", "Incomplete documents", "#b45309"),
    "referred": ("Dirujuk ke tempat lain", "Referred elsewhere", "#6d28d9"),
}
"""outcome: (Indonesian, English, colour) — the hub's FINISH_OUTCOMES."""

OUTCOME_STYLE = """
QPushButton#outcome { border: 3px solid #cbd5e1; border-radius: 10px; background: white;
                      min-height: 84px; padding: 6px 10px; text-align: center; }
QPushButton#outcome:checked { border-color: #0f172a; }
QPushButton#outcome:disabled { background: #e2e8f0; }
QPushButton#requirement { border: 2px solid #94a3b8; border-radius: 10px; background: white;
                          min-height: 64px; padding: 6px 12px; text-align: left; }
QPushButton#requirement:checked { background: #fef3c7; border: 3px solid #b45309; }
QPushButton#finishOutcome { font-size: 19px; font-weight: bold; color: white;
                            background: #15803d; border: none; border-radius: 10px;
                            min-height: 64px; padding: 6px 24px; }
QPushButton#finishOutcome:disabled { background: #d5dce6; color: #7b8796; }
QPushButton#cancelOutcome { font-size: 16px; min-height: 64px; padding: 6px 20px; }
"""


def _lines_html(text_id: str, text_en: str, size: int, on_colour: bool = False) -> str:
    """A bold Indonesian line over a small English one (light on a coloured background)."""
    main, sub = ("#ffffff", "#e2e8f0") if on_colour else ("#0f172a", "#475569")
    return (f"<span style='font-size:{size}px; font-weight:bold; color:{main}'>{text_id}"
            f"</span><br><span style='font-size:{size - 6}px; color:{sub}'>{text_en}</span>")


def _two_lines(button: QPushButton, text_id: str, text_en: str, size: int) -> QLabel:
    """Put a bold Indonesian line over a small English one inside a button."""
    label = QLabel(_lines_html(text_id, text_en, size))
    label.setWordWrap(True)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    layout = QVBoxLayout(button)
    layout.setContentsMargins(12, 6, 12, 6)
    layout.addWidget(label)
    return label


class OutcomeDialog(QDialog):
    """How the visit at the counter ended; read with `outcome()`, `missing()`, `referral()`."""

    def __init__(self, config: MallConfig, counter_id: str, ticket_label: str,
                 service_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Selesai · Finish")
        self.setStyleSheet(OUTCOME_STYLE)
        self.resize(1000, 640)
        service = next((s for s in config.services if s.id == service_id), None)
        self.requirements = service.requirements.pairs() if service else []
        own_tenant = service.tenant if service else config.counter(counter_id).tenant
        layout = QVBoxLayout(self)
        name = service.name.id if service else service_id
        layout.addWidget(_title(f"Selesai melayani nomor {ticket_label} — {name}",
                                f"Finish ticket {ticket_label}: how did the visit end?"))

        choices = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.outcome_buttons: dict[str, QPushButton] = {}
        self._outcome_labels: dict[str, QLabel] = {}
        for key, (text_id, text_en, colour) in OUTCOMES.items():
            button = QPushButton()
            button.setObjectName("outcome")
            button.setCheckable(True)
            button.setStyleSheet(f"QPushButton#outcome:checked {{ background: {colour}; }}")
            self._outcome_labels[key] = _two_lines(button, text_id, text_en, 20)
            self.group.addButton(button)
            button.toggled.connect(lambda on, k=key: on and self.choose(k))
            choices.addWidget(button, 1)
            self.outcome_buttons[key] = button
        if not self.requirements:
            self.outcome_buttons["incomplete_documents"].setEnabled(False)
            self.outcome_buttons["incomplete_documents"].setToolTip(
                "Layanan ini tidak mengumumkan persyaratan.\n"
                "This service publishes no requirements.")
        layout.addLayout(choices)

        self.pages = QStackedWidget()
        served_page = QLabel("<span style='font-size:20px'>Tekan Enter atau <b>Selesai</b> "
                             "bila pengunjung sudah dilayani.</span><br><span style='font-size:"
                             "15px; color:#475569'>Press Enter or Finish when the visitor was "
                             "served.</span>")
        served_page.setObjectName("hint")
        served_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(served_page)
        self.pages.addWidget(self._checklist_page())
        self.pages.addWidget(self._referral_page(config, own_tenant))
        layout.addWidget(self.pages, 1)

        buttons = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        buttons.addWidget(self.hint, 1)
        cancel = QPushButton("Batal · Cancel")
        cancel.setObjectName("cancelOutcome")
        cancel.clicked.connect(self.reject)
        self.finish_button = QPushButton("Selesai · Finish")
        self.finish_button.setObjectName("finishOutcome")
        self.finish_button.setDefault(True)
        self.finish_button.setAutoDefault(True)
        self.finish_button.clicked.connect(self.accept)
        buttons.addWidget(cancel)
        buttons.addWidget(self.finish_button)
        layout.addLayout(buttons)
        self.outcome_buttons["served"].setChecked(True)

    # ------------------------------------------------------------------ pages

    def _checklist_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_title("Persyaratan yang kurang (centang semua yang tidak dibawa)",
                                "Missing requirements (tick every one not brought)"))
        grid = QGridLayout()
        self.requirement_buttons: list[QPushButton] = []
        for index, (text_id, text_en) in enumerate(self.requirements):
            button = QPushButton()
            button.setObjectName("requirement")
            button.setCheckable(True)
            label = _two_lines(button, f"☐ {text_id}", text_en, 18)
            button.toggled.connect(
                lambda on, b=button, t=(text_id, text_en), lab=label: self._ticked(b, t, lab))
            grid.addWidget(button, index // 2, index % 2)
            self.requirement_buttons.append(button)
        column.addLayout(grid)
        column.addStretch(1)
        return page

    def _referral_page(self, config: MallConfig, own_tenant: str) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_title("Dirujuk ke instansi (pilih) dan/atau tulis tujuannya",
                                "Referred to a tenant (pick) and/or write where"))
        self.tenants = QListWidget()
        self.tenants.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tenants.setStyleSheet("QListWidget { font-size: 18px; }"
                                   "QListWidget::item { padding: 12px 8px; }")
        for tenant in config.tenants:
            if tenant.id == own_tenant:
                continue  # the visit's own tenant: that is a transfer
            item = QListWidgetItem(f"{tenant.short_name} · {tenant.name.id}")
            item.setData(ROLE_ID, tenant.id)
            self.tenants.addItem(item)
        self.tenants.itemSelectionChanged.connect(self._update)
        column.addWidget(self.tenants, 1)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("mis. Kantor Imigrasi Serang · e.g. another office")
        self.note.textChanged.connect(self._update)
        column.addWidget(self.note)
        return page

    # ---------------------------------------------------------------- choices

    def choose(self, outcome: str) -> None:
        """Pick an outcome (as a touch on its button does)."""
        button = self.outcome_buttons[outcome]
        if not button.isEnabled():
            return
        if not button.isChecked():
            button.setChecked(True)  # toggles back into here
            return
        self.pages.setCurrentIndex(list(OUTCOMES).index(outcome))
        for key, (text_id, text_en, _) in OUTCOMES.items():
            self._outcome_labels[key].setText(_lines_html(text_id, text_en, 20, key == outcome))
        self._update()

    def tick(self, requirement: str, on: bool = True) -> None:
        """Tick (or untick) a requirement by its Indonesian text (KeyError if not listed)."""
        for button, (text_id, _) in zip(self.requirement_buttons, self.requirements,
                                        strict=True):
            if text_id == requirement:
                button.setChecked(on)
                return
        raise KeyError(requirement)

    def choose_tenant(self, tenant_id: str) -> None:
        """Select the tenant referred to by id (KeyError if not listed)."""
        for row in range(self.tenants.count()):
            if self.tenants.item(row).data(ROLE_ID) == tenant_id:
                self.tenants.setCurrentRow(row)
                return
        raise KeyError(tenant_id)

    def outcome(self) -> str:
        """The outcome chosen: served, incomplete_documents or referred."""
        return next(k for k, b in self.outcome_buttons.items() if b.isChecked())

    def missing(self) -> list[str]:
        """The requirements ticked as missing (Indonesian, in the published order)."""
        return [text_id for button, (text_id, _) in zip(self.requirement_buttons,
                                                        self.requirements, strict=True)
                if button.isChecked()]

    def referral(self) -> tuple[str | None, str | None]:
        """(tenant id, note) of a referral; either may be None."""
        picked = self.tenants.selectedItems()
        return (picked[0].data(ROLE_ID) if picked else None,
                " ".join(self.note.text().split()) or None)

    def request_fields(self) -> dict[str, object]:
        """The finish request's fields for the choice (what the controller sends)."""
        outcome = self.outcome()
        if outcome == "incomplete_documents":
            return {"outcome": outcome, "missing_requirements": self.missing()}
        if outcome == "referred":
            tenant, note = self.referral()
            return {"outcome": outcome, "referred_tenant_id": tenant, "referred_note": note}
        return {}

    def accept(self) -> None:
        """Close with the choice, only when it is complete (Enter on an incomplete one: no)."""
        if self.ready():
            super().accept()

    def ready(self) -> bool:
        """True when the choice says enough to finish with it."""
        outcome = self.outcome()
        if outcome == "incomplete_documents":
            return bool(self.missing())
        if outcome == "referred":
            return any(self.referral())
        return True

    def _ticked(self, button: QPushButton, texts: tuple[str, str], label: QLabel) -> None:
        mark = "☑" if button.isChecked() else "☐"
        label.setText(_lines_html(f"{mark} {texts[0]}", texts[1], 18))
        self._update()

    def _update(self) -> None:
        """Finish only with a complete choice; say what is still needed."""
        ready = self.ready()
        self.finish_button.setEnabled(ready)
        outcome = self.outcome()
        if ready and outcome == "incomplete_documents":
            count = len(self.missing())
            self.hint.setText(f"{count} persyaratan kurang · {count} missing")
        elif outcome == "incomplete_documents":
            self.hint.setText("Centang persyaratan yang kurang. · Tick what is missing.")
        elif not ready:
            self.hint.setText("Pilih instansi atau tulis tujuannya. · Pick a tenant or "
                              "write where.")
        else:
            self.hint.setText("")
