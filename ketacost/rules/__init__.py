"""The rules of the world as data: the pricing model, the tax law and the GFE rules, with their loader."""
