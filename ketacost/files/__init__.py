"""Reading and writing files: strict YAML, exact JSON, bounded lines and atomic output.

The layer above ``core``: nothing here knows about prices, plans or taxes.
"""
