"""The ESC/POS simulator's stream parser: jobs, status queries, fragmentation."""

from __future__ import annotations

from escpos.printer import Dummy

from kiosk.devices.printer.simulated import EscPosSimulator
from kiosk.receipts.escpos import render_escpos
from tests.unit.receipts.samples import sample_receipt


def receipt_bytes() -> bytes:
    printer = Dummy()
    render_escpos(sample_receipt(), printer)
    return bytes(printer.output)


def test_a_job_is_recorded_from_init_to_cut() -> None:
    sim = EscPosSimulator()
    job = receipt_bytes()
    assert sim.feed(job) == b""
    assert list(sim.jobs) == [job]


def test_status_queries_are_answered_and_kept_out_of_the_job() -> None:
    sim = EscPosSimulator()
    job = receipt_bytes()
    assert sim.feed(b"\x10\x04\x01\x10\x04\x04") == b"\x12\x12"
    sim.state.paper = "low"
    assert sim.feed(b"\x10\x04\x04" + job) == b"\x1e"
    assert list(sim.jobs) == [job]
    assert list(sim.queries) == [1, 4, 4]


def test_byte_by_byte_delivery() -> None:
    sim = EscPosSimulator()
    stream = b"\x10\x04\x01" + receipt_bytes() + b"\x10\x04\x04"
    replies = b"".join(sim.feed(bytes([b])) for b in stream)
    assert replies == b"\x12\x12"
    assert list(sim.jobs) == [receipt_bytes()]


def test_qr_payload_bytes_are_not_parsed_as_commands() -> None:
    sim = EscPosSimulator()
    printer = Dummy()
    printer._raw(b"\x1b@")
    printer.qr("\x10\x04\x01\x1dV\x00", native=True)  # looks like a query and a cut
    printer.cut()
    assert sim.feed(bytes(printer.output)) == b""
    assert len(sim.jobs) == 1


def test_scripted_states() -> None:
    sim = EscPosSimulator()
    sim.state.paper = "out"
    assert sim.feed(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04") == b"\x1a\x32\x72"
    sim.state.paper = "ok"
    sim.state.cover_open = True
    assert sim.feed(b"\x10\x04\x01\x10\x04\x02") == b"\x1a\x16"
    sim.state.replies = False
    assert sim.feed(b"\x10\x04\x01") == b""


def test_job_without_cut_ends_at_the_next_init_or_end_of_stream() -> None:
    sim = EscPosSimulator()
    sim.feed(b"\x1b@hello\n\x1b@second\n")
    assert list(sim.jobs) == [b"\x1b@hello\n"]
    sim.end_of_stream()
    assert list(sim.jobs) == [b"\x1b@hello\n", b"\x1b@second\n"]


def test_a_connection_ending_does_not_cut_another_connections_job_short() -> None:
    from kiosk.devices.printer.simulated import Stream

    sim = EscPosSimulator()
    old, new = Stream(), Stream()
    job = receipt_bytes()
    sim.feed(job, old)  # the old connection's job was cut and recorded
    sim.feed(job[:40], new)  # a reconnected driver is sending the next job…
    sim.end_of_stream(old)  # …when the old connection's end is noticed
    assert sim.job_count == 1
    sim.feed(job[40:], new)
    assert list(sim.jobs) == [job, job] and sim.job_count == 2
