"""The bottom layer: money, errors, words and the JSON codec. Imports nothing of ketacost."""
