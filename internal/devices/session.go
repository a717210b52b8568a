package devices

import (
	"fmt"
	"reflect"

	"github.com/concert-go/concert/internal/tasks"
)

// Devices written in a session (issue 11) are types the interpreter
// declares, such as
//
//	type Slit struct {
//		*devices.Base
//		gap *devices.Parameter
//	}
//
// The interpreter hands such a value to compiled code as a bare struct:
// reflection sees its fields but none of its methods, not even those of
// the embedded *Base, and an interface with an unexported method (as
// Lockable) cannot be implemented by it. Of finds the device in it, so
// that printing, completion and exclusive access treat it as a device.

var baseType = reflect.TypeFor[*Base]()

// Of returns the device that v is or holds: a *Base, a device embedding
// one, or a struct (or pointer to one) with a *Base field, the first if
// there are several; nil if none.
func Of(v any) *Base {
	switch v := v.(type) {
	case nil:
		return nil
	case *Base:
		return v
	case interface{ lockTarget() (*Base, *Parameter) }:
		if b, p := v.lockTarget(); p == nil {
			return b
		}
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	for i := range rv.NumField() {
		f := rv.Field(i)
		if f.Type() == baseType && f.CanInterface() && !f.IsNil() {
			return f.Interface().(*Base)
		}
	}
	return nil
}

// ExclusiveOf is Exclusive for targets of any type: devices, parameters
// and devices declared in a session, which reach compiled code without
// their methods (see Of). The shell's exclusive() is this. A target that
// is none of them fails the task, naming it.
func ExclusiveOf(f any, targets ...any) *tasks.Task {
	locks := make([]Lockable, 0, len(targets))
	for i, t := range targets {
		if l, ok := t.(Lockable); ok {
			locks = append(locks, l)
			continue
		}
		b := Of(t)
		if b == nil {
			err := fmt.Errorf("exclusive: target %d (%T) is no device or parameter; pass a device, a device of the session (a struct embedding *devices.Base) or dev.Param(\"name\")", i+1, t)
			return failed("exclusive", tasks.Current(), err)
		}
		locks = append(locks, b)
	}
	return Exclusive(f, locks...)
}
