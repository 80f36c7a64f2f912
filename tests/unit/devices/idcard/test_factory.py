"""build_idcard_reader: config → implementation; a missing port fails clearly."""

from __future__ import annotations

import pytest

from kiosk.devices.config import DevicesConfig, Ga467SerialConfig, SimulatedIdCardConfig
from kiosk.devices.idcard import Ga467Reader, IdCardOffline, SimulatedReader, build_idcard_reader
from kiosk.devices.status import DeviceOffline, DeviceState


def test_missing_serial_port_is_offline_naming_the_port_and_the_drivers() -> None:
    config = Ga467SerialConfig(driver="ga467_serial", port="/dev/no-such-idcard-reader")
    with pytest.raises(IdCardOffline) as info:
        build_idcard_reader(config)
    err = info.value
    assert isinstance(err, DeviceOffline)
    assert err.key == "device.idcard.offline"
    assert "/dev/no-such-idcard-reader" in err.detail
    assert "ga467_serial" in err.detail
    assert "simulated" in err.detail


def test_simulated_config_runs_the_real_driver_on_the_simulators_pty() -> None:
    reader, sim = build_idcard_reader(SimulatedIdCardConfig(driver="simulated", card="permit"))
    assert sim is not None
    try:
        assert isinstance(reader, Ga467Reader)
        assert reader.port == sim.device_path
        assert sim.device_path.startswith("/dev/")
        assert reader.status().state is DeviceState.OK
        card = reader.poll()
        assert card is not None
        assert card.document.kind == "hk_macao_taiwan_permit"
        assert sim.requests()[-3:] == [(0x20, 0x01), (0x20, 0x02), (0x30, 0x01)]
    finally:
        reader.close()
        sim.close()


def test_default_devices_config_builds_a_simulated_reader() -> None:
    reader, sim = build_idcard_reader(DevicesConfig().idcard)
    assert sim is not None
    try:
        assert reader.poll() is None  # the default simulated reader has no card
    finally:
        reader.close()
        sim.close()


def test_reprs_show_no_card_data() -> None:
    with SimulatedReader(card="resident") as sim, Ga467Reader(sim.device_path, timeout_s=1) as reader:
        assert sim.device_path in repr(reader)
        assert repr(sim.card) == "SimulatedCard(kind='resident')"
        assert "李" not in repr(sim) + repr(reader)


def test_simulator_close_is_idempotent_and_joins_its_thread() -> None:
    sim = SimulatedReader()
    sim.close()
    sim.close()
    assert not sim._thread.is_alive()


def test_the_simulator_counts_every_request_but_keeps_only_the_latest_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.devices.idcard import simulated

    monkeypatch.setattr(simulated, "REQUESTS_KEPT", 4)  # a demo terminal polls all day
    reader, sim = build_idcard_reader(SimulatedIdCardConfig(driver="simulated"))
    assert sim is not None
    try:
        polls = 0
        while sim.count(0x20, 0x01) < 6:  # no card: each poll is one FIND
            assert reader.poll() is None
            polls += 1
        assert sim.count(0x20, 0x01) == 6 and polls == 6
        assert sim.wait_for(0x20, 0x01, 6, timeout=1)
        assert sim.requests() == [(0x20, 0x01)] * 4
    finally:
        reader.close()
        sim.close()
