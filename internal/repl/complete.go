package repl

import (
	"go/token"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/elk-language/go-prompt"
	istrings "github.com/elk-language/go-prompt/strings"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/prelude"
)

// preludePackages are the packages in scope in every session, by name:
// package prelude's list.
var preludePackages = func() map[string]string {
	m := map[string]string{}
	for _, p := range prelude.Packages {
		m[p.Name] = p.Path
	}
	return m
}()

var (
	paramArg = regexp.MustCompile(`([\pL_][\pL\pN_]*)\.Param\("([^"]*)$`)
	selector = regexp.MustCompile(`([\pL_][\pL\pN_]*)\.([\pL\pN_]*)$`)
	word     = regexp.MustCompile(`[\pL_][\pL\pN_]*$`)
)

// completion is the menu the completer offered last: the text before
// the word it completes, the entries, and where the word was.
type completion struct {
	head       string
	list       []prompt.Suggest
	start, end istrings.RuneNumber
}

// cycling returns the menu offered last when the line holds one of its
// entries after a key that moves through the menu. go-prompt asks the
// completer again after every key, also after Tab and Down have put an
// entry in the line; a menu made for the entry would hold only the
// longer names, and a second Tab would find nothing to move to. Kept, the
// menu cycles as in IPython: every Tab or Down the next entry, past the
// last one the word as typed.
func (c *completion) cycling(d prompt.Document) bool {
	switch d.LastKeyStroke() {
	case prompt.Tab, prompt.ControlI, prompt.BackTab, prompt.Down, prompt.Up:
	default:
		return false
	}
	word, ok := strings.CutPrefix(d.TextBeforeCursor(), c.head)
	return ok && slices.ContainsFunc(c.list, func(sg prompt.Suggest) bool { return sg.Text == word })
}

// completeWordSeparators end the word the prompt replaces with the
// selected entry when typing goes on after it: the entry is a name after
// a dot, a quote or an operator, never the whole expression.
const completeWordSeparators = " \t\n.,;:()[]{}\"'`+-*/%&|^!=<>"

// complete is the prompt's completer: parameter names inside Param("...,
// methods and fields after a dot, names in scope otherwise.
func (s *Session) complete(d prompt.Document) ([]prompt.Suggest, istrings.RuneNumber, istrings.RuneNumber) {
	s.mu.Lock()
	last := s.lastMenu
	s.mu.Unlock()
	if last != nil && last.cycling(d) {
		return last.list, last.start, last.end
	}
	list, start, end := s.completions(d)
	before := d.TextBeforeCursor()
	head := string([]rune(before)[:start])
	s.mu.Lock()
	s.lastMenu = &completion{head: head, list: list, start: start, end: end}
	s.mu.Unlock()
	return list, start, end
}

// completions lists the entries for the word before the cursor, and where
// the word starts and ends.
func (s *Session) completions(d prompt.Document) ([]prompt.Suggest, istrings.RuneNumber, istrings.RuneNumber) {
	before := d.TextBeforeCursor()
	end := istrings.RuneNumber(len([]rune(before)))
	suggest := func(partial string, list []prompt.Suggest) ([]prompt.Suggest, istrings.RuneNumber, istrings.RuneNumber) {
		var out []prompt.Suggest
		for _, sg := range list {
			if strings.HasPrefix(sg.Text, partial) && sg.Text != partial {
				out = append(out, sg)
			}
		}
		return out, end - istrings.RuneNumber(len([]rune(partial))), end
	}
	if m := paramArg.FindStringSubmatch(before); m != nil {
		return suggest(m[2], s.paramNames(m[1]))
	}
	if m := selector.FindStringSubmatch(before); m != nil {
		return suggest(m[2], s.members(m[1]))
	}
	if m := word.FindString(before); m != "" {
		return suggest(m, s.scope())
	}
	return nil, end, end
}

// Completions lists what the prompt would offer at the end of text, for
// tests and tools.
func (s *Session) Completions(text string) []string {
	list, _, _ := s.completions(docAtEnd(text))
	names := make([]string, len(list))
	for i, sg := range list {
		names[i] = sg.Text
	}
	return names
}

func docAtEnd(text string) prompt.Document {
	b := prompt.NewBuffer()
	b.InsertTextMoveCursor(text, 1000, 1000, false)
	return *b.Document()
}

// scope is every name in scope: the prelude, packages, the session's own.
func (s *Session) scope() []prompt.Suggest {
	var list []prompt.Suggest
	list = append(list, prompt.Suggest{Text: "await", Description: "prelude"})
	for n := range s.preludeFuncs() {
		if !strings.HasPrefix(n, "_") {
			list = append(list, prompt.Suggest{Text: n, Description: "prelude"})
		}
	}
	for n := range preludePackages {
		list = append(list, prompt.Suggest{Text: n, Description: "package"})
	}
	s.mu.Lock()
	for n := range s.names {
		list = append(list, prompt.Suggest{Text: n})
	}
	s.mu.Unlock()
	for _, kw := range []string{"func", "for", "if", "else", "return", "range", "var", "const", "type", "struct", "switch", "case", "defer", "break", "continue", "import"} {
		list = append(list, prompt.Suggest{Text: kw, Description: "keyword"})
	}
	return sortSuggest(list)
}

// members lists the exported methods and fields of a variable's value, or
// the exported names of a package in scope.
func (s *Session) members(name string) []prompt.Suggest {
	if path, ok := preludePackages[name]; ok {
		var list []prompt.Suggest
		for _, syms := range s.in.Symbols(path) {
			for sym := range syms {
				if token.IsExported(sym) {
					list = append(list, prompt.Suggest{Text: sym})
				}
			}
		}
		return sortSuggest(list)
	}
	v, ok := s.global(name)
	if !ok || !v.IsValid() {
		return nil
	}
	return s.membersOf(v)
}

// membersOf lists the exported methods and fields of a value: methods
// with their signature, fields with their type.
func (s *Session) membersOf(v reflect.Value) []prompt.Suggest {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	var list []prompt.Suggest
	for i := range t.NumMethod() {
		if m := t.Method(i); m.IsExported() {
			list = append(list, prompt.Suggest{Text: m.Name, Description: signature(m.Type)})
		}
	}
	list = append(list, s.sessionMembers(v)...)
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := range st.NumField() {
			f := st.Field(i)
			if f.IsExported() && !f.Anonymous {
				list = append(list, prompt.Suggest{Text: f.Name, Description: f.Type.String()})
			}
		}
	}
	return sortSuggest(list)
}

// paramNames lists the parameters of a device variable, by calling its
// Params method.
func (s *Session) paramNames(name string) []prompt.Suggest {
	v, ok := s.global(name)
	if !ok || !v.IsValid() {
		return nil
	}
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	m := v.MethodByName("Params")
	if b := devices.Of(v.Interface()); !m.IsValid() && b != nil {
		m = reflect.ValueOf(b).MethodByName("Params") // a device the session declared
	}
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 || m.Type().Out(0).Kind() != reflect.Slice {
		return nil
	}
	ps := m.Call(nil)[0]
	var list []prompt.Suggest
	for i := range ps.Len() {
		p := ps.Index(i)
		if nm := p.MethodByName("Name"); nm.IsValid() && nm.Type().NumIn() == 0 {
			sg := prompt.Suggest{Text: nm.Call(nil)[0].String()}
			if doc := p.MethodByName("Doc"); doc.IsValid() && doc.Type().NumIn() == 0 {
				sg.Description = doc.Call(nil)[0].String()
			}
			list = append(list, sg)
		}
	}
	return sortSuggest(list)
}

func sortSuggest(list []prompt.Suggest) []prompt.Suggest {
	sort.Slice(list, func(i, j int) bool { return list[i].Text < list[j].Text })
	return slices.CompactFunc(list, func(a, b prompt.Suggest) bool { return a.Text == b.Text })
}
