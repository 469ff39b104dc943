"""The world as data: the pricing model, the tax law and the GFE rules, and their loader."""
