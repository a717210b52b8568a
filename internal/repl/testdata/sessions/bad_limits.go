// Bad limits: the call fails, so the session fails to load.

m8 := motors.NewLinear("m8")
m8.Param("position").SetLimits(5*q.MM, -5*q.MM)
fmt.Println("not reached")
