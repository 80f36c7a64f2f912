"""What the kiosk knows about the person in front of it, however it was read.

Produced by the ID-card reader (GA 467 text block), a government-app login QR, an MRZ, or
typed by the citizen (remote profile: HKID / Home Return Permit). Everything here is personal
data: it is kept in memory for the session, encrypted at rest, and never logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

# the document that identified the person (matches catalog.model.IdKind)
IdKind = Literal["resident_id", "hk_macao_taiwan_permit", "foreigner_pr", "hkid",
                 "home_return_permit", "passport"]
# how it reached the kiosk
IdSource = Literal["id_card", "gov_app_qr", "manual", "mrz"]
Sex = Literal["male", "female", "unknown"]


@dataclasses.dataclass(frozen=True, slots=True)
class IdentityDocument:
    kind: IdKind
    number: str  # normalised (upper case, no brackets/spaces)
    source: IdSource
    name: str = ""  # name as on the document (Chinese name where there is one)
    name_en: str = ""
    sex: Sex = "unknown"
    birth_date: dt.date | None = None
    nationality: str = ""  # ISO 3166 alpha-3 where known (foreigner PR, passport)
    address: str = ""
    issuer: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # None with long_term=True for 长期 cards
    long_term: bool = False

    def personal_values(self) -> list[str]:
        """Every string value, for the log redactor and the PII tests."""
        values = [self.number, self.name, self.name_en, self.address]
        if self.birth_date:
            values += [self.birth_date.isoformat(), self.birth_date.strftime("%Y%m%d")]
        return [v for v in values if v]

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> IdentityDocument:
        kwargs = dict(data)
        for key in ("birth_date", "valid_from", "valid_to"):
            value = kwargs.get(key)
            if isinstance(value, str):
                kwargs[key] = dt.date.fromisoformat(value)
        return cls(**kwargs)  # type: ignore[arg-type]
