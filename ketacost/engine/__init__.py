"""The pure calculator: prices, course, insurance, accounts, financing, taxes, notes, estimate.

No file, environment or clock: the rules and "today" are passed in.
"""
