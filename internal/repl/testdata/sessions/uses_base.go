// Uses base: loads base twice; the second load does nothing.

load("base")
load("base")
fromBase := baseValue()
