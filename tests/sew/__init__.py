"""Tests of the SEW Smart Customer Mobile vendor (client, registry, simulator)."""
