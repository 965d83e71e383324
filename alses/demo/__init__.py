"""Synthetic BDC drops calibrated on the published 2021-2022 ALSES report."""
