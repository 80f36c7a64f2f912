"""Devices (DESIGN §4): one package per kind — a port, real drivers, a simulator — and health."""
