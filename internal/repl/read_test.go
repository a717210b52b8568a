package repl

import (
	"strings"
	"testing"
)

func TestNeedsMore(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"1 + 2", false},
		{"", false},
		{"func f() {", true},
		{"func f() {\n}", false},
		{"fmt.Println(1,", true},
		{"x := []int{", true},
		{"s := `raw", true},
		{"s := `raw\nstring`", false},
		{"x := 1 +", true},
		{"x := 1 &&", true},
		{"x :=", true},
		{"motor.", true},
		{"/* open comment", true},
		{"x := 1 // a comment {", false},
		{`s := "{"`, false},
		{"await motor.Home()", false},
		{"x++", false},
		{"}", false}, // an error for the parser, not more input
	}
	for _, tt := range tests {
		if got := NeedsMore(tt.src); got != tt.want {
			t.Errorf("NeedsMore(%q) = %v; want %v", tt.src, got, tt.want)
		}
	}
}

func TestSplitItems(t *testing.T) {
	tests := []struct {
		src  string
		want []string
		decl []bool
	}{
		{"func f() {}; f()", []string{"func f() {}", "f()"}, []bool{true, false}},
		{"var a []int; a = append(a, 1)", []string{"var a []int", "a = append(a, 1)"}, []bool{false, false}},
		{"func() { x := 1; _ = x }()", []string{"func() { x := 1; _ = x }()"}, []bool{false}},
		{"func (p point) Len() int { return 0 }", []string{"func (p point) Len() int { return 0 }"}, []bool{true}},
		{"func() int { return 1 }()", []string{"func() int { return 1 }()"}, []bool{false}},
		{"type T int\nconst c = 1\nimport \"os\"", []string{"type T int", "const c = 1", `import "os"`}, []bool{true, true, true}},
		// The semicolons of a for, if or switch header do not end the statement.
		{"for i := 0; i < 3; i++ { f(i) }; g()", []string{"for i := 0; i < 3; i++ { f(i) }", "g()"}, []bool{false, false}},
		{"for i := 0; i < 3; i++ {\n\tp := await m.GetPosition()\n}\ng()", []string{"for i := 0; i < 3; i++ {\n\tp := await m.GetPosition()\n}", "g()"}, []bool{false, false}},
		{"if x := f(); x > 0 { g() } else if y := h(); y { k() }; z()", []string{"if x := f(); x > 0 { g() } else if y := h(); y { k() }", "z()"}, []bool{false, false}},
		{"switch x := f(); x { case 1: g() }", []string{"switch x := f(); x { case 1: g() }"}, []bool{false}},
		{"for _, v := range []int{1, 2} { f(v) }; g()", []string{"for _, v := range []int{1, 2} { f(v) }", "g()"}, []bool{false, false}},
	}
	for _, tt := range tests {
		items := splitItems(tt.src)
		if len(items) != len(tt.want) {
			t.Errorf("splitItems(%q) gave %d items; want %d", tt.src, len(items), len(tt.want))
			continue
		}
		for i, it := range items {
			if it.text != tt.want[i] || it.decl != tt.decl[i] {
				t.Errorf("splitItems(%q)[%d] = %q decl %v; want %q decl %v", tt.src, i, it.text, it.decl, tt.want[i], tt.decl[i])
			}
		}
	}
}

func TestRewrite(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"await t", "_show_(_aw_( t))"},
		{"x := await motor.GetPosition()", "_aw_( motor.GetPosition())"},
		{`"await t" // await t`, `_show_("await t")`},
		{"f := func(ctx context.Context) error { await t; return nil }", "f := func(ctx context.Context) error {if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()}; _awc(ctx, t); return nil }"},
		{"await gather(a, b)", "_show_(_aw_( gather(a, b)))"},
		{"r := (await t).(int) + 1", "r := (_aw_( t)).(int) + 1"},
		{"await := 3", "await := 3"},
		{"f := func(ctx context.Context) { g := func() { await t }; g() }", "f := func(ctx context.Context) {if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()}; g := func() {if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()}; _awc(ctx, t) }; g() }"},
		{"t := start(corofunc)", `t := _strt(corofunc, "corofunc")`},
		{"t := start(func() {})", `t := _strt(func() {if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()};}, "")`},
		{`t := start(f, "name")`, `t := start(f, "name")`},
		{"if start := g; true { start(f) }", "if start := g; true { start(f) }"},
		{"run := background(f)", `run := background(f, "f")`},
		// The receive gives up the gate's share while it blocks (see chanPauser).
		{"func recv(c chan int) int { return <-c }", "func recv(c chan int) int {if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()}; {_pz_();_gv1:=<-c;_rs_();return _gv1} }"},
	}
	for _, tt := range tests {
		p, err := prepare(splitItems(tt.src)[0], "", nil)
		if err != nil {
			t.Errorf("prepare(%q): %v", tt.src, err)
			continue
		}
		if got := stripLine(p.text); got != tt.want {
			t.Errorf("prepare(%q) = %q; want %q", tt.src, got, tt.want)
		}
	}
}

// stripLine drops the /*line*/ directives the rewrite adds for positions.
func stripLine(s string) string {
	for {
		i := strings.Index(s, "/*line ")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "*/")
		s = s[:i] + s[i+j+2:]
	}
}
