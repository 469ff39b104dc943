"""Every output format: plain (JSON, CSV, Markdown), Rich tables, the tornado chart, HTML
reports with SVG charts, JSON Schemas, and the Good Faith Estimate on paper, as PDF and as FHIR.
"""
