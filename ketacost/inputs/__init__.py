"""What the user gives: the fields, their values, the scenario and the clinic profile, and the
scenario and clinic files they are read from.
"""
