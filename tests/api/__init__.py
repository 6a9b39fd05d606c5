"""Tests of the vendor API clients (no Home Assistant involved)."""
