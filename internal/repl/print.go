package repl

import (
	"fmt"
	"path"
	"reflect"
	"strings"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/tasks"
)

// Format prints a value for people: a quantity as "2 mm", a task as
// "<task 3 motor.Home: running>", an error as its message. nil prints as
// nothing.
func Format(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case *tasks.Task:
		return v.String()
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	if b := devices.Of(v); b != nil {
		return b.String() // a device the session declared: its table
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Func:
		if rv.IsNil() {
			return "nil"
		}
		return rv.Type().String()
	case reflect.Slice, reflect.Array:
		if n := rv.Len(); n > maxShownItems {
			if !rv.CanAddr() { // an array in an interface: Slice needs an address
				c := reflect.New(rv.Type()).Elem()
				c.Set(rv)
				rv = c
			}
			head := fmt.Sprint(rv.Slice(0, maxShownItems).Interface())
			return fmt.Sprintf("%s ...] (%d items, the first %d shown: index or range over it for the rest)", strings.TrimSuffix(head, "]"), n, maxShownItems)
		}
	}
	return fmt.Sprint(v)
}

// maxShownItems is how many items of a slice or array the prompt prints,
// as IPython's printer stops at 1,000: `await gather(ts...)` of 100,000
// tasks is a value to keep, not a screenful of "<nil>" for ten seconds.
const maxShownItems = 1000

// typeExpr writes t as Go source the session can assert to, if it can.
// Types of packages in scope are written with the package's name; types
// made by the interpreter (user-declared structs) have no name to write.
func typeExpr(t reflect.Type) (string, bool) {
	if t.Name() != "" {
		switch t.PkgPath() {
		case "":
			return t.Name(), true
		case reflect.TypeFor[tasks.Task]().PkgPath():
			return t.Name(), t.Name() == "Task"
		}
		if strings.Contains(t.PkgPath(), "yaegi") {
			return "", false
		}
		return path.Base(t.PkgPath()) + "." + t.Name(), true
	}
	switch t.Kind() {
	case reflect.Pointer:
		e, ok := typeExpr(t.Elem())
		return "*" + e, ok
	case reflect.Slice:
		e, ok := typeExpr(t.Elem())
		return "[]" + e, ok
	case reflect.Array:
		e, ok := typeExpr(t.Elem())
		return fmt.Sprintf("[%d]%s", t.Len(), e), ok
	case reflect.Map:
		k, ok1 := typeExpr(t.Key())
		e, ok2 := typeExpr(t.Elem())
		return "map[" + k + "]" + e, ok1 && ok2
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
	}
	return "", false
}
