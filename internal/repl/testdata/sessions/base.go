// Base: shared setup that other sessions load once.

loads := 0
loads++

// baseValue is what base gives to sessions that load it.
func baseValue() int { return 42 }
