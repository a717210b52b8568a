package tasks

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// shapes is the help text of every error about a function that cannot run
// as a task.
const shapes = "want a func(ctx context.Context) (T, error), func(ctx context.Context) error, or the same without ctx"

// adapt turns a function of one of the shapes a session writes into a Func,
// binding args after the context. The common shapes are matched without
// reflection; the rest (a typed result, arguments) go through reflect,
// which is also how functions defined in the interpreter arrive.
func adapt(f any, args []any) (Func, string, error) {
	if f == nil {
		return nil, "nil", fmt.Errorf("cannot start nil: %s", shapes)
	}
	name := funcName(f)
	if len(args) == 0 {
		switch f := f.(type) {
		case Func:
			return f, name, nil
		case func(context.Context) (any, error):
			return f, name, nil
		case func(context.Context) error:
			return func(ctx context.Context) (any, error) { return nil, f(ctx) }, name, nil
		case func(context.Context):
			return func(ctx context.Context) (any, error) { f(ctx); return nil, nil }, name, nil
		case func() error:
			return func(context.Context) (any, error) { return nil, f() }, name, nil
		case func():
			return func(context.Context) (any, error) { f(); return nil, nil }, name, nil
		}
	}
	v := reflect.ValueOf(f)
	ft := v.Type()
	if ft.Kind() != reflect.Func {
		return nil, name, fmt.Errorf("cannot start a %s: %s", ft, shapes)
	}
	withCtx := ft.NumIn() > 0 && ft.In(0) == contextType
	nIn := len(args)
	if withCtx {
		nIn++
	}
	if ft.IsVariadic() || ft.NumIn() != nIn {
		return nil, name, fmt.Errorf("cannot start %s with %d argument(s): %s", ft, len(args), shapes)
	}
	in := make([]reflect.Value, nIn)
	first := 0
	if withCtx {
		first = 1
	}
	for i, a := range args {
		want := ft.In(first + i)
		if a == nil {
			in[first+i] = reflect.Zero(want)
			continue
		}
		av := reflect.ValueOf(a)
		if !av.Type().AssignableTo(want) {
			return nil, name, fmt.Errorf("argument %d of %s: have %s, want %s", i+1, name, av.Type(), want)
		}
		in[first+i] = av
	}
	var split func([]reflect.Value) (any, error)
	switch {
	case ft.NumOut() == 0:
		split = func([]reflect.Value) (any, error) { return nil, nil }
	case ft.NumOut() == 1 && ft.Out(0) == errorType:
		split = func(out []reflect.Value) (any, error) { return nil, asError(out[0]) }
	case ft.NumOut() == 1:
		split = func(out []reflect.Value) (any, error) { return out[0].Interface(), nil }
	case ft.NumOut() == 2 && ft.Out(1) == errorType:
		split = func(out []reflect.Value) (any, error) { return out[0].Interface(), asError(out[1]) }
	default:
		return nil, name, fmt.Errorf("cannot start %s: %s", ft, shapes)
	}
	return func(ctx context.Context) (any, error) {
		call := in
		if withCtx {
			call = append([]reflect.Value{reflect.ValueOf(&ctx).Elem()}, in[1:]...)
		}
		return split(v.Call(call))
	}, name, nil
}

func asError(v reflect.Value) error {
	if v.IsNil() {
		return nil
	}
	return v.Interface().(error)
}

// funcName is the short name of a compiled function, "pkg.F" or "T.M", or
// "func" for closures and functions defined in the interpreter, whose
// compiled names say nothing to a user.
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func {
		return fmt.Sprintf("%T", f)
	}
	// Looking a name up costs a tenth of a trivial task's life; a program
	// has few distinct functions, so the names are kept, in a map copied
	// on write: a read takes no lock and, unlike a sync.Map keyed by the
	// address, allocates nothing.
	pc := v.Pointer()
	if name, ok := (*funcNames.Load())[pc]; ok {
		return name
	}
	name := lookupName(pc)
	funcNamesMu.Lock()
	defer funcNamesMu.Unlock()
	next := maps.Clone(*funcNames.Load())
	next[pc] = name
	funcNames.Store(&next)
	return name
}

// funcNames maps a function's entry PC to its funcName; funcNamesMu
// serializes its writers.
var (
	funcNames = func() *atomic.Pointer[map[uintptr]string] {
		var p atomic.Pointer[map[uintptr]string]
		p.Store(&map[uintptr]string{})
		return &p
	}()
	funcNamesMu sync.Mutex
)

func lookupName(pc uintptr) string {
	fn := runtime.FuncForPC(pc)
	if fn == nil {
		return "func"
	}
	name := fn.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, "-fm")
	if strings.Contains(name, ".func") || strings.HasPrefix(name, "reflect.") {
		return "func"
	}
	return name
}
