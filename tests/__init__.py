"""Tests for Home Energy Cloud."""
