"""The service catalogue's data model (format version 1).

Elements follow the provincial implementation lists (实施清单) that district halls already
publish (see shared/reference/catalog.md): an item (事项) has a code, type, competent
department, handling channel and visit count, promised days, fee, result, and a list of
materials; we add what a kiosk needs: a typed form schema with trilingual help, how each
material is captured, which terminal profiles offer the item and which devices it needs.

Enterprise-benefit policies (政策通) carry eligibility rules over company attributes and link
to the item through which a company applies.

All models are frozen and reject unknown keys, so a typo in a catalogue file is an error with
its location, not a silently ignored field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kiosk.config import Lang, ProfileName, Texts

FORMAT_VERSION = 1

ItemType = Literal[
    "licensing",  # 行政许可
    "confirmation",  # 行政确认
    "payment",  # 行政给付
    "levy",  # 行政征收
    "award",  # 行政奖励
    "other_power",  # 其他行政权力
    "public_service",  # 公共服务
    "convenience",  # 便民服务
]
# 全程网办 / 最多跑一次 / 网上申请 + 窗口原件核验
Channel = Literal["fully_online", "at_most_one_visit", "online_with_original_check"]
# what the journey does with the item
ItemKind = Literal["application", "status_query", "result_pickup", "self_print"]
ServiceObject = Literal["natural_person", "legal_person"]
CaptureKind = Literal["id_card", "document", "photo", "e_certificate"]
DocFormat = Literal["a4", "id_card", "business_licence", "photo"]
MaterialSource = Literal["applicant", "other_department", "shared_data"]
FieldType = Literal[
    "text", "number", "date", "choice", "phone", "resident_id", "hkid", "uscc", "address"
]
# identity attributes that may prefill a form field
Prefill = Literal["name", "id_number", "sex", "birth_date", "address", "nationality"]
Device = Literal["id_card_reader", "camera", "code_scanner", "receipt_printer", "a4_printer"]
IdKind = Literal["resident_id", "hk_macao_taiwan_permit", "foreigner_pr", "hkid",
                 "home_return_permit", "passport"]
ResultType = Literal["licence", "certificate", "approval", "filing_notice", "payment", "none"]
Delivery = Literal["window_pickup", "mail", "e_certificate", "self_print"]
CompanySize = Literal["micro", "small", "medium", "large"]

ItemCode = Annotated[str, Field(pattern=r"^[0-9]{8}[A-Z]{2}-[A-Z]{2}-[0-9]{4}(-[0-9]{2})?$")]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Choice(_Model):
    value: Annotated[str, Field(min_length=1, max_length=64)]
    label: Texts


class FormField(_Model):
    id: Ident
    type: FieldType
    label: Texts
    help: Texts | None = None
    required: bool = True
    max_length: Annotated[int, Field(ge=1, le=2000)] | None = None
    min_value: Decimal | None = None  # number fields
    max_value: Decimal | None = None
    choices: tuple[Choice, ...] = ()  # choice fields
    prefill: Prefill | None = None

    @model_validator(mode="after")
    def _check_type_specifics(self) -> FormField:
        if self.type == "choice" and len(self.choices) < 2:
            raise ValueError("a choice field needs at least two choices")
        if self.type != "choice" and self.choices:
            raise ValueError("only choice fields have choices")
        if self.type != "number" and (self.min_value is not None or self.max_value is not None):
            raise ValueError("only number fields have min_value/max_value")
        if (self.min_value is not None and self.max_value is not None
                and self.min_value > self.max_value):
            raise ValueError("min_value is greater than max_value")
        if len({c.value for c in self.choices}) != len(self.choices):
            raise ValueError("choice values must be unique")
        return self


class FieldGroup(_Model):
    id: Ident
    title: Texts
    fields: Annotated[tuple[FormField, ...], Field(min_length=1)]


class Material(_Model):
    id: Ident
    name: Texts
    capture: CaptureKind
    format: DocFormat = "a4"
    min_pages: Annotated[int, Field(ge=0, le=50)] = 1
    max_pages: Annotated[int, Field(ge=1, le=50)] = 1
    required: bool = True
    original_required: bool = False  # the original must be shown at a window
    source: MaterialSource = "applicant"
    note: Texts | None = None

    @model_validator(mode="after")
    def _pages(self) -> Material:
        if self.min_pages > self.max_pages:
            raise ValueError("min_pages is greater than max_pages")
        if self.required and self.min_pages == 0 and self.capture == "document":
            raise ValueError("a required document needs min_pages >= 1")
        return self


class Fee(_Model):
    amount_cny: Annotated[Decimal, Field(ge=0)] = Decimal(0)
    basis: Texts | None = None


class Result(_Model):
    type: ResultType
    delivery: Annotated[tuple[Delivery, ...], Field(min_length=1)]


class ServiceItem(_Model):
    code: ItemCode
    kind: ItemKind = "application"
    name: Texts
    description: Texts
    department: Texts
    category: Ident
    item_type: ItemType
    service_object: Annotated[tuple[ServiceObject, ...], Field(min_length=1)]
    channel: Channel
    visits: Annotated[int, Field(ge=0, le=5)]
    legal_days: Annotated[int, Field(ge=0, le=365)]
    promised_days: Annotated[int, Field(ge=0, le=365)]
    fee: Fee = Fee()
    result: Result
    profiles: Annotated[tuple[ProfileName, ...], Field(min_length=1)]
    accepted_ids: Annotated[tuple[IdKind, ...], Field(min_length=1)] = (
        "resident_id", "hk_macao_taiwan_permit", "foreigner_pr",
    )
    devices: tuple[Device, ...] = ()
    materials: tuple[Material, ...] = ()
    form: tuple[FieldGroup, ...] = ()
    keywords: tuple[str, ...] = ()
    consult_phone: str = ""

    @model_validator(mode="after")
    def _consistency(self) -> ServiceItem:
        if self.promised_days > self.legal_days:
            raise ValueError("promised_days cannot exceed legal_days")
        if self.channel == "fully_online" and self.visits != 0:
            raise ValueError("a fully_online item has visits = 0")
        if self.channel == "at_most_one_visit" and self.visits > 1:
            raise ValueError("an at_most_one_visit item has visits <= 1")
        ids = [m.id for m in self.materials]
        if len(set(ids)) != len(ids):
            raise ValueError("material ids must be unique")
        fields = [f.id for g in self.form for f in g.fields]
        if len(set(fields)) != len(fields):
            raise ValueError("form field ids must be unique across groups")
        if self.kind == "application" and not self.form:
            raise ValueError("an application item needs a form")
        return self

    def offered_to(self, profile: ProfileName) -> bool:
        return profile in self.profiles

    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for g in self.form for f in g.fields)


class Category(_Model):
    id: Ident
    name: Texts
    icon: str = ""


class Eligibility(_Model):
    """Every non-empty rule must hold (AND); inside a rule any entry may match (OR)."""

    # GB/T 4754 industry codes or prefixes: "I" (section), "I65", "I651"
    industries: tuple[Annotated[str, Field(pattern=r"^[A-T]([0-9]{2,4})?$")], ...] = ()
    sizes: tuple[CompanySize, ...] = ()
    # administrative division code prefixes: "44", "4403", "440305"
    districts: tuple[Annotated[str, Field(pattern=r"^[0-9]{2,6}$")], ...] = ()
    min_age_years: Annotated[int, Field(ge=0, le=100)] | None = None
    max_age_years: Annotated[int, Field(ge=0, le=100)] | None = None

    @model_validator(mode="after")
    def _ages(self) -> Eligibility:
        if (self.min_age_years is not None and self.max_age_years is not None
                and self.min_age_years > self.max_age_years):
            raise ValueError("min_age_years is greater than max_age_years")
        return self


class Policy(_Model):
    id: Ident
    name: Texts
    summary: Texts
    benefit: Texts
    department: Texts
    eligibility: Eligibility
    linked_item: ItemCode | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class Company(_Model):
    """The company attributes policies are matched on (no personal data)."""

    uscc: str
    industry: Annotated[str, Field(pattern=r"^[A-T]([0-9]{2,4})?$")]
    size: CompanySize
    district: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    established: dt.date


class CatalogDocument(_Model):
    """The whole catalogue as one document: what a directory assembles and what sync pulls."""

    format_version: Literal[1]
    version: Annotated[str, Field(min_length=1, max_length=32)]
    published: dt.date
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    items: Annotated[tuple[ServiceItem, ...], Field(min_length=1)]
    policies: tuple[Policy, ...] = ()


def text(texts: Texts, lang: Lang) -> str:
    return texts.get(lang)
