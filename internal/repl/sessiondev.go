package repl

import (
	"reflect"
	"strings"

	"github.com/elk-language/go-prompt"

	"github.com/concert-go/concert/internal/devices"
)

// A device type declared in the session reaches compiled code as a bare
// struct, without methods (see devices.Of): the printer and completion
// ask these for what reflection cannot tell.

// sessionMembers lists what completion offers after the dot of a device
// (or any value) of a type the session declared: the methods of an
// embedded *devices.Base and the methods the session declared on the
// type.
func (s *Session) sessionMembers(v reflect.Value) []prompt.Suggest {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	var list []prompt.Suggest
	if b := devices.Of(v.Interface()); b != nil && v.Type() != reflect.TypeOf(b) {
		t := reflect.TypeOf(b)
		for i := range t.NumMethod() {
			m := t.Method(i)
			list = append(list, prompt.Suggest{Text: m.Name, Description: signature(m.Type)})
		}
	}
	if st := s.sessionTypeOf(v.Type()); st != nil {
		s.decls.mu.Lock()
		for _, m := range st.methods {
			list = append(list, prompt.Suggest{Text: m.name, Description: m.sig})
		}
		s.decls.mu.Unlock()
	}
	return list
}

// signature is a method's type without its receiver: "(string) *Parameter",
// "() (q.Quantity, q.Quantity)".
func signature(t reflect.Type) string {
	var in, out []string
	for i := 1; i < t.NumIn(); i++ {
		arg := t.In(i).String()
		if t.IsVariadic() && i == t.NumIn()-1 {
			arg = "..." + t.In(i).Elem().String()
		}
		in = append(in, arg)
	}
	for i := range t.NumOut() {
		out = append(out, t.Out(i).String())
	}
	sig := "(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
		return sig
	case 1:
		return sig + " " + out[0]
	}
	return sig + " (" + strings.Join(out, ", ") + ")"
}
