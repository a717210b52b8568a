// Broken: the third statement fails; what came before stays loaded.

before := "loaded"
total := 0
total += nope
after := "not loaded"
