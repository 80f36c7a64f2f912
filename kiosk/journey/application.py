"""Applying for a service: catalogue, identify, form pages, capture, review, consent, submit,
receipt and rating."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Final, Literal

from kiosk.catalog.forms import validate_group
from kiosk.catalog.model import Material, ServiceItem
from kiosk.errors import BugError, KnownError
from kiosk.identity.models import IdentityDocument
from kiosk.identity.numbers import (
    IdentityError,
    validate_hkid,
    validate_home_return_permit,
)
from kiosk.journey.capture import capture_materials
from kiosk.journey.core import JourneyCore, StepRefused, intent
from kiosk.journey.ports import OutboxPort
from kiosk.journey.states import Intent, State
from kiosk.store.models import Consent, NewSubmission, Receipt

__all__ = ["ApplicationSteps"]

_log = logging.getLogger(__name__)

# form field types whose values are registered with the log redactor (free text and numbers
# with a shape); choices, dates and numbers are too short or too common to mask usefully
_SECRET_TYPES = frozenset({"text", "address", "phone", "resident_id", "hkid", "uscc"})
ManualIdKind = Literal["hkid", "home_return_permit"]


# the message keys identification_failed shows as they are (others: a generic read failure)
_IDENTIFICATION_KEYS: Final = ("device.idcard.", "qr.", "identity.")

class ApplicationSteps(JourneyCore):
    """The intents of the "apply for a service" path."""

    # ------------------------------------------------------------------ catalogue

    @intent(Intent.BROWSE_CATEGORY)
    def browse_category(self, category: str | None) -> None:
        """Show one category (``None``: all); clears the search."""
        if category is not None and category not in {c.id for c in self._catalog.categories()}:
            raise BugError("journey.bug", f"unknown category {category}")
        self._session.category = category
        self._session.query = ""

    @intent(Intent.SEARCH)
    def search(self, query: str) -> None:
        """Search names, keywords and pinyin of the application items ("" clears it)."""
        self._session.query = query.strip()

    @intent(Intent.SELECT_ITEM)
    def select_item(self, code: str) -> str | None:
        item = self._lookup_item(code)
        if item.kind != "application":
            raise BugError("journey.bug", f"{code} is not an application item")
        return self._open_detail(Intent.SELECT_ITEM, item, State.CATALOG)

    @intent(Intent.BEGIN_APPLICATION)
    def begin_application(self) -> str | None:
        reason = self._reason(self._item())
        if reason is not None:
            return self._refuse(reason)
        self._move(Intent.BEGIN_APPLICATION, State.IDENTIFY)
        return None

    # ------------------------------------------------------------------ identify

    @intent(Intent.IDENTIFY)
    def identify(self, document: IdentityDocument) -> str | None:
        """A document from the card reader, the gov-app QR or an MRZ."""
        return self._identify(Intent.IDENTIFY, document)

    @intent(Intent.IDENTIFICATION_FAILED)
    def identification_failed(self, key: str) -> None:
        """A card on the reader could not be read (a corrupt frame, the card moved away) or a
        government-app code was refused (forged, expired, offline, unknown): the citizen is
        told why at this step and tries again. ``key`` is the reader's or the checker's message
        key; no card or token data comes here."""
        self._refuse(key if key.startswith(_IDENTIFICATION_KEYS) else "device.idcard.read_failed")

    @intent(Intent.ENTER_ID_MANUALLY)
    def enter_id_manually(self, kind: ManualIdKind, number: str, *, name: str = "",
                          name_en: str = "") -> str | None:
        """A HKID or Home Return Permit typed by the citizen (remote profile)."""
        validator = validate_hkid if kind == "hkid" else validate_home_return_permit
        try:
            normalised = validator(number)
        except IdentityError as err:
            return self._refuse(err.key)
        document = IdentityDocument(kind=kind, number=normalised, source="manual",
                                    name=name.strip(), name_en=name_en.strip())
        return self._identify(Intent.ENTER_ID_MANUALLY, document)

    # ------------------------------------------------------------------ form

    @intent(Intent.SUBMIT_PAGE)
    def submit_page(self, values: Mapping[str, str]) -> dict[str, str]:
        """Validate this page's fields; errors (field id → message key) keep the page."""
        s = self._session
        item = self._item()
        group = item.form[s.page]
        ids = {f.id for f in group.fields}
        unknown = set(values) - ids
        if unknown:
            raise BugError("journey.bug", f"fields not on page {group.id}: {sorted(unknown)}")
        raw = {f.id: values.get(f.id, "") for f in group.fields}
        s.raw.update(raw)
        self._secrets.add(raw[f.id] for f in group.fields if f.type in _SECRET_TYPES)
        result = validate_group(group, raw)
        if result.errors:
            s.field_errors.update(result.errors)
            return dict(result.errors)
        for f in group.fields:
            s.values[f.id] = result.values.get(f.id, "")
        if s.page + 1 < len(item.form):
            s.page += 1
            self._move(Intent.SUBMIT_PAGE, State.FORM)
        elif capture_materials(item):
            s.material_index = 0
            self._move(Intent.SUBMIT_PAGE, State.CAPTURE)
        else:
            self._move(Intent.SUBMIT_PAGE, State.REVIEW)
        return {}

    # ------------------------------------------------------------------ capture

    @intent(Intent.ADD_PAGE)
    def add_page(self, material_id: str, image: bytes) -> str | None:
        material = self._material(material_id)
        too_big = self._check_image(image)
        if too_big:
            return self._refuse(too_big)
        key = self._session.captures.add(material, image)
        return self._refuse(key) if key else None

    @intent(Intent.RETAKE_PAGE)
    def retake(self, material_id: str, page_index: int, image: bytes) -> str | None:
        material = self._material(material_id)
        too_big = self._check_image(image)
        if too_big:
            return self._refuse(too_big)
        self._session.captures.replace(material, page_index, image)
        return None

    @intent(Intent.REMOVE_PAGE)
    def remove_page(self, material_id: str, page_index: int) -> None:
        self._session.captures.remove(self._material(material_id), page_index)

    @intent(Intent.FINISH_MATERIAL)
    def finish_material(self) -> str | None:
        """Done with the current material: next material, or REVIEW after the last."""
        s = self._session
        materials = capture_materials(self._item())
        status = s.captures.status(materials[s.material_index], s.identity)
        if not status.complete:
            return self._refuse("journey.too_few_pages" if status.pages
                                else "journey.materials_missing")
        if s.material_index + 1 < len(materials):
            s.material_index += 1
            self._move(Intent.FINISH_MATERIAL, State.CAPTURE)
            return None
        missing = self._missing_materials()
        if missing:
            return self._refuse("journey.materials_missing")
        self._move(Intent.FINISH_MATERIAL, State.REVIEW)
        return None

    # ------------------------------------------------------------------ review, consent

    @intent(Intent.CONFIRM_REVIEW)
    def confirm_review(self) -> None:
        # finish_material() never lets an incomplete material reach REVIEW
        if self._missing_materials():
            raise BugError("journey.bug", "review with materials missing")
        self._check_form_complete()
        self._move(Intent.CONFIRM_REVIEW, State.CONSENT)

    @intent(Intent.EDIT_FORM_PAGE)
    def edit_form_page(self, page: int) -> None:
        if not 0 <= page < len(self._item().form):
            raise BugError("journey.bug", f"no form page {page}")
        self._session.page = page
        self._move(Intent.EDIT_FORM_PAGE, State.FORM)

    @intent(Intent.EDIT_MATERIAL)
    def edit_material(self, material_id: str) -> None:
        ids = [m.id for m in capture_materials(self._item())]
        if material_id not in ids:
            raise BugError("journey.bug", f"no captured material {material_id}")
        self._session.material_index = ids.index(material_id)
        self._move(Intent.EDIT_MATERIAL, State.CAPTURE)

    @intent(Intent.ACCEPT_CONSENT)
    def accept_consent(self, text_version: str) -> None:
        """The citizen agreed to consent text ``text_version`` (shown in the session language)."""
        if not text_version.strip():
            raise BugError("journey.bug", "consent text version is empty")
        self._session.consent = Consent(text_version=text_version.strip(),
                                        accepted_at=self._clock.now(),
                                        language=self._session.language)

    @intent(Intent.WITHDRAW_CONSENT)
    def withdraw_consent(self) -> None:
        self._session.consent = None

    # ------------------------------------------------------------------ submit

    @intent(Intent.BEGIN_SUBMIT)
    def begin_submit(self, *, defer_attachments: bool = False) -> NewSubmission:
        """Phase 1: build the submission and move to SUBMITTING.

        The caller then runs ``outbox.enqueue`` (off the GUI thread) and reports with
        :meth:`submit_succeeded` or :meth:`submit_failed`. Raises :class:`StepRefused`
        (``journey.consent_required``) without consent. ``defer_attachments``: the materials'
        PDFs (hundreds of ms at camera resolution) are left to ``attachments_later``, which
        the enqueue runs on its thread; the pages stay untouched while SUBMITTING."""
        s = self._session
        if s.consent is None:
            self._refuse("journey.consent_required")
            raise StepRefused("journey.consent_required")
        item = self._item()
        if s.identity is None or self._missing_materials():
            raise BugError("journey.bug", "submit without identity or materials")
        self._check_form_complete()
        submission = NewSubmission(
            item_code=item.code,
            language=s.language,
            identity=s.identity.as_dict(),
            form=dict(s.values),
            consent=s.consent,
        )
        materials = capture_materials(item)
        if defer_attachments:
            captures = s.captures
            submission = dataclasses.replace(
                submission, attachments_later=lambda: captures.attachments(materials))
        else:
            submission = dataclasses.replace(submission, attachments=s.captures.attachments(materials))
        self._move(Intent.BEGIN_SUBMIT, State.SUBMITTING)
        return submission

    @intent(Intent.SUBMIT_SUCCEEDED)
    def submit_succeeded(self, receipt: Receipt) -> None:
        """Phase 2: the outbox committed. The application's personal data is dropped now."""
        if receipt.item_code != self._session.item_code:
            raise BugError("journey.bug", "receipt for another item")
        self._session.clear_application()
        self._session.receipt = receipt
        _log.info("submitted %s", receipt.item_code)
        self._move(Intent.SUBMIT_SUCCEEDED, State.RECEIPT)

    @intent(Intent.SUBMIT_FAILED)
    def submit_failed(self, error_key: str) -> None:
        """Phase 2: the outbox refused (``store.disk_full`` …); back to CONSENT to retry."""
        self._session.error = error_key
        _log.info("submit failed: %s", error_key)
        self._move(Intent.SUBMIT_FAILED, State.CONSENT)

    def submit(self, outbox: OutboxPort | None = None) -> str | None:
        """Both phases on the caller's thread: ``None`` on success, else the message key."""
        try:
            submission = self.begin_submit()
        except StepRefused as err:
            return err.key
        try:
            receipt = (outbox or self._outbox).enqueue(submission)
        except KnownError as err:
            self.submit_failed(err.key)
            return err.key
        self.submit_succeeded(receipt)
        return None

    # ------------------------------------------------------------------ receipt, rating, end

    @intent(Intent.CONTINUE_TO_RATING)
    def continue_to_rating(self) -> None:
        self._move(Intent.CONTINUE_TO_RATING, State.RATING)

    @intent(Intent.FINISH)
    def finish(self) -> None:
        self._enter_end(Intent.FINISH)

    @intent(Intent.RATE)
    def rate(self, level: int, reasons: Sequence[str] = ()) -> str | None:
        """好差评: ``level`` 1 (very poor) .. 5 (very good) and reason codes; then END.

        A store failure loses the rating only (logged, key returned); the journey ends anyway."""
        if isinstance(level, bool) or not 1 <= level <= 5:
            raise BugError("journey.bug", f"rating level {level!r}")
        if any(not isinstance(r, str) or not r or len(r) > 64 for r in reasons):
            raise BugError("journey.bug", "bad rating reason code")
        receipt = self._session.receipt
        if receipt is None:
            raise BugError("journey.bug", "rating without a receipt")
        result: str | None = None
        try:
            self._outbox.set_rating(receipt.uuid, level, tuple(reasons))
        except KnownError as err:
            _log.warning("rating not saved: %s", err.key)
            result = err.key
        self._enter_end(Intent.RATE)
        return result

    @intent(Intent.SKIP_RATING)
    def skip_rating(self) -> None:
        self._enter_end(Intent.SKIP_RATING)

    @intent(Intent.DONE)
    def done(self) -> None:
        """Leave the thank-you screen."""
        self._end_session(Intent.DONE)

    # ------------------------------------------------------------------ internals: application

    def _identify(self, intent: Intent, document: IdentityDocument) -> str | None:
        s = self._session
        item = self._item()
        key = self._document_problem(document, accepted=item.accepted_ids)
        if key is not None:
            return self._refuse(key)
        self._secrets.add(document.personal_values())
        if s.identity is not None and (s.identity.kind, s.identity.number) != (
                document.kind, document.number):
            s.clear_application()  # another person: nothing of the previous one stays
        s.identity = document
        self._prefill(item, document)
        s.page = 0
        _log.info("identified for %s by %s", item.code, document.source)
        self._move(intent, State.FORM)
        return None

    def _prefill(self, item: ServiceItem, document: IdentityDocument) -> None:
        attributes: dict[str, str] = {
            "name": document.name or document.name_en,
            "id_number": document.number,
            "sex": "" if document.sex == "unknown" else document.sex,
            "birth_date": document.birth_date.isoformat() if document.birth_date else "",
            "address": document.address,
            "nationality": document.nationality,
        }
        company = self._session.company
        for f in item.fields():
            value = attributes.get(f.prefill, "") if f.prefill else ""
            if not value and f.type == "uscc" and company is not None:
                value = company.uscc
            if value:
                self._session.raw[f.id] = value

    def _check_form_complete(self) -> None:
        missing = [f.id for f in self._item().fields() if f.id not in self._session.values]
        if missing:
            raise BugError("journey.bug", f"unvalidated fields: {missing}")

    def _material(self, material_id: str) -> Material:
        for m in capture_materials(self._item()):
            if m.id == material_id:
                return m
        raise BugError("journey.bug", f"no captured material {material_id}")

    def _check_image(self, image: bytes) -> str | None:
        if not image:
            raise BugError("journey.bug", "empty page image")
        if len(image) > self._config.store.max_attachment_kb * 1024:
            return "store.attachment_too_large"
        return None

    def _missing_materials(self) -> list[str]:
        s = self._session
        return [m.id for m in capture_materials(self._item())
                if not s.captures.status(m, s.identity).complete]

    def _last_step_before_review(self) -> State:
        s = self._session
        item = self._item()
        materials = capture_materials(item)
        if materials:
            s.material_index = len(materials) - 1
            return State.CAPTURE
        s.page = len(item.form) - 1
        return State.FORM
