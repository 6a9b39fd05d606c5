"""Tests of the Electra Smart vendor, against the simulator."""
