"""The annual ALSES report, generated from the marts (HTML with inline SVG, and PDF)."""
