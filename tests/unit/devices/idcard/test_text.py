"""The 256-byte text block of the three card layouts (resident ID, HK/Macao/Taiwan residence
permit 'J', foreigner permanent-residence card 2017 'I')."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kiosk.devices.idcard.port import (
    CardRead,
    CardReadFailed,
    IdCardError,
    InvalidCardNumber,
    UnsupportedCard,
)
from kiosk.devices.idcard.simulated import default_card, gb11643_number
from kiosk.devices.idcard.text import (
    LONG_TERM,
    TEXT_BLOCK_SIZE,
    TYPE_FLAG_OFFSET,
    CardExtras,
    card_kind,
    decode_text_block,
    encode_text_block,
    layout_sizes,
)
from kiosk.messages import LANGS, MESSAGES


def ucs2(text: str, size: int) -> bytes:
    raw = text.encode("utf-16-le")
    return raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)


def hand_made_resident_block(number: str, valid_to: str = "20350601") -> bytes:
    """Built field by field from the protocols.md table, independently of encode_text_block."""
    block = (
        ucs2("李思远", 30) + ucs2("1", 2) + ucs2("01", 4) + ucs2("19900307", 16)
        + ucs2("广东省深圳市福田区福中三路1号", 70) + ucs2(number, 36)
        + ucs2("深圳市公安局福田分局", 30) + ucs2("20150601", 16) + ucs2(valid_to, 16)
        + ucs2("", 36)
    )
    assert len(block) == TEXT_BLOCK_SIZE
    return block


RESIDENT_NUMBER = gb11643_number("44030419900307231")


def test_every_layout_is_256_bytes() -> None:
    assert layout_sizes() == {"resident": 256, "permit": 256, "foreigner": 256}


def test_resident_block_decodes_field_by_field() -> None:
    doc = decode_text_block(hand_made_resident_block(RESIDENT_NUMBER))
    assert doc.kind == "resident_id"
    assert doc.source == "id_card"
    assert doc.number == RESIDENT_NUMBER
    assert doc.name == "李思远"
    assert doc.sex == "male"
    assert doc.birth_date == dt.date(1990, 3, 7)
    assert doc.address == "广东省深圳市福田区福中三路1号"
    assert doc.issuer == "深圳市公安局福田分局"
    assert doc.valid_from == dt.date(2015, 6, 1)
    assert doc.valid_to == dt.date(2035, 6, 1)
    assert not doc.long_term


def test_long_term_card() -> None:
    doc = decode_text_block(hand_made_resident_block(RESIDENT_NUMBER, valid_to=LONG_TERM))
    assert doc.long_term
    assert doc.valid_to is None


def test_type_flag_sits_at_offset_248() -> None:
    for kind, flag in (("permit", b"J\x00"), ("foreigner", b"I\x00"), ("resident", b" \x00")):
        doc, extras = default_card(kind)  # type: ignore[arg-type]
        block = encode_text_block(doc, extras=extras)
        assert block[TYPE_FLAG_OFFSET : TYPE_FLAG_OFFSET + 2] == flag
        assert card_kind(block) == kind


def test_permit_block_decodes() -> None:
    doc, extras = default_card("permit")
    block = encode_text_block(doc, extras=extras)
    # the travel-permit number and issue count follow the nine shared fields
    assert block[220:238].decode("utf-16-le").strip() == "H00000000"
    assert block[238:242].decode("utf-16-le") == "01"
    decoded = decode_text_block(block)
    assert decoded == doc
    assert decoded.kind == "hk_macao_taiwan_permit"
    assert decoded.number.startswith("810000")


def test_foreigner_block_decodes() -> None:
    doc, extras = default_card("foreigner")
    block = encode_text_block(doc, extras=extras)
    assert block[:120].decode("utf-16-le").strip() == "MUSTERMANN, ERIKA"
    assert block[152:158].decode("utf-16-le") == "DEU"
    decoded = decode_text_block(block)
    assert decoded == doc
    assert (decoded.kind, decoded.name_en, decoded.name, decoded.nationality) == (
        "foreigner_pr", "MUSTERMANN, ERIKA", "艾丽卡", "DEU"
    )
    assert decoded.sex == "female"
    assert decoded.birth_date == dt.date(1985, 8, 12)


@pytest.mark.parametrize("kind", ["resident", "permit", "foreigner"])
def test_round_trip_of_the_default_cards(kind: str) -> None:
    doc, extras = default_card(kind)  # type: ignore[arg-type]
    assert decode_text_block(encode_text_block(doc, extras=extras)) == doc


def test_foreigner_number_field_holds_15_characters() -> None:
    doc, _ = default_card("foreigner")
    with pytest.raises(ValueError, match="number"):
        encode_text_block(dataclasses.replace(doc, number=gb11643_number("93315619850812003")))


def wrong_check_char(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize("kind", ["resident", "permit"])
def test_a_number_failing_its_check_digit_is_rejected(kind: str) -> None:
    doc, extras = default_card(kind)  # type: ignore[arg-type]
    block = encode_text_block(dataclasses.replace(doc, number=wrong_check_char(doc.number)), extras=extras)
    with pytest.raises(InvalidCardNumber) as info:
        decode_text_block(block)
    assert info.value.key == "device.idcard.invalid_number"
    assert "id.check_digit" in info.value.detail
    assert doc.number[:10] not in str(info.value)


def test_a_permit_number_on_a_resident_layout_is_rejected() -> None:
    doc, _ = default_card("permit")
    block = encode_text_block(doc, card="resident")
    with pytest.raises(InvalidCardNumber, match="hk_macao_taiwan_permit"):
        decode_text_block(block)


def test_a_malformed_foreigner_number_is_rejected() -> None:
    doc, extras = default_card("foreigner")
    block = encode_text_block(dataclasses.replace(doc, number="DEU44038508120"), extras=extras)
    with pytest.raises(InvalidCardNumber):
        decode_text_block(block)


def test_unknown_type_flag_is_unsupported() -> None:
    block = bytearray(hand_made_resident_block(RESIDENT_NUMBER))
    block[TYPE_FLAG_OFFSET : TYPE_FLAG_OFFSET + 2] = "Y".encode("utf-16-le")
    with pytest.raises(UnsupportedCard) as info:
        decode_text_block(bytes(block))
    assert info.value.key == "device.idcard.unsupported_card"


@pytest.mark.parametrize("size", [0, 255, 257])
def test_wrong_block_size_fails(size: int) -> None:
    with pytest.raises(CardReadFailed):
        decode_text_block(bytes(size))


def test_invalid_ucs2_fails() -> None:
    block = bytearray(hand_made_resident_block(RESIDENT_NUMBER))
    block[0:2] = b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(CardReadFailed, match="UCS-2"):
        decode_text_block(bytes(block))


def test_impossible_dates_fail() -> None:
    block = hand_made_resident_block(RESIDENT_NUMBER, valid_to="20350231")
    with pytest.raises(CardReadFailed, match="valid_to"):
        decode_text_block(block)
    block = hand_made_resident_block(RESIDENT_NUMBER, valid_to="2035-6-1")
    with pytest.raises(CardReadFailed, match="valid_to"):
        decode_text_block(block)


def test_sex_codes() -> None:
    doc, extras = default_card("resident")
    for sex in ("male", "female", "unknown"):
        block = encode_text_block(dataclasses.replace(doc, sex=sex), extras=extras)
        assert decode_text_block(block).sex == sex


def test_encode_rejects_overlong_fields_and_other_kinds() -> None:
    doc, _ = default_card("resident")
    with pytest.raises(ValueError, match="name"):
        encode_text_block(dataclasses.replace(doc, name="长" * 16))
    with pytest.raises(ValueError, match="hkid"):
        encode_text_block(dataclasses.replace(doc, kind="hkid"))
    assert len(encode_text_block(doc, extras=CardExtras(nation_code="98"))) == TEXT_BLOCK_SIZE


def test_card_read_repr_shows_no_personal_data() -> None:
    doc, _ = default_card("resident")
    text = repr(CardRead(document=doc, photo=b"\x01" * 1024))
    assert text == "CardRead(kind='resident_id', photo=1024 bytes)"
    for value in doc.personal_values():
        assert value not in text


def test_every_error_key_is_translated() -> None:
    def subclasses(cls: type[IdCardError]) -> set[type[IdCardError]]:
        out = {cls}
        for sub in cls.__subclasses__():
            out |= subclasses(sub)
        return out

    keys = {cls.KEY for cls in subclasses(IdCardError)}
    assert len(keys) >= 9
    for key in keys:
        assert set(MESSAGES[key]) == set(LANGS), key
