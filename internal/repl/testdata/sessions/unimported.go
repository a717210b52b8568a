// Unimported: a struct field of a package the session did not import.

x := 1

type Temp struct {
	sync.Mutex
}
