"""Tests of the vendor-cloud simulator, over raw HTTP (no Home Assistant involved)."""
