"""Domain code of the ALSES warehouse: the BDC contract, its extraction and the demo data."""
