package devices

import (
	"context"
	"strings"
	"text/tabwriter"
	"time"
)

// Table is what the shell prints for dstate(), ddoc() and a device: a
// title, a header and rows of cells, printed aligned by String.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// String prints the table with aligned columns, without trailing blanks.
func (t *Table) String() string {
	var b strings.Builder
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	rows := t.Rows
	if t.Header != nil {
		rows = append([][]string{t.Header}, rows...)
	}
	for _, row := range rows {
		w.Write([]byte("  " + strings.Join(row, "\t") + "\n"))
	}
	w.Flush()
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// readTimeout bounds each read of a table, so a device that does not
// answer shows "?" instead of hanging the prompt.
const readTimeout = time.Second

func (p *Parameter) cell() string {
	if !p.readable() {
		return "(write-only)"
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	v, err := p.Read(ctx)
	if err != nil {
		return "? (" + err.Error() + ")"
	}
	return p.format(v)
}

func (p *Parameter) notes() string {
	var notes []string
	if !p.writable() {
		notes = append(notes, "read-only")
	}
	if p.Locked() {
		notes = append(notes, "locked")
	}
	if len(p.spec.Choices) > 0 {
		notes = append(notes, "one of "+choiceList(p.spec.Choices))
	}
	return strings.Join(notes, ", ")
}

// Table is the device's table: its name, kind and state, then each
// parameter with its value, limits and notes (read-only, locked).
func (b *Base) Table() *Table {
	title := b.name
	if b.kind != "" && b.kind != b.name {
		title += " (" + b.kind + ")"
	}
	t := &Table{Title: title + ": " + string(b.State())}
	ps := b.Params()
	if len(ps) > 0 {
		t.Header = []string{"parameter", "value", "limits", "notes"}
	}
	for _, p := range ps {
		t.Rows = append(t.Rows, []string{p.name, p.cell(), p.limitText(), p.notes()})
	}
	return t
}

// StateTable is dstate(): every live device with its state and the values
// of its parameters.
func StateTable() *Table {
	t := &Table{Header: []string{"device", "state", "parameter", "value"}}
	for _, b := range Devices() {
		dev, state := b.name, string(b.State())
		ps := b.Params()
		if len(ps) == 0 {
			t.Rows = append(t.Rows, []string{dev, state, "", ""})
		}
		for _, p := range ps {
			t.Rows = append(t.Rows, []string{dev, state, p.name, p.cell()})
			dev, state = "", ""
		}
	}
	return t
}

// DocTable is ddoc(): every live device with its parameters, their units,
// access and documentation.
func DocTable() *Table {
	t := &Table{Header: []string{"device", "kind", "parameter", "unit", "access", "doc"}}
	for _, b := range Devices() {
		dev, kind := b.name, b.kind
		ps := b.Params()
		if len(ps) == 0 {
			t.Rows = append(t.Rows, []string{dev, kind, "", "", "", ""})
		}
		for _, p := range ps {
			unit := ""
			switch {
			case p.spec.Unit != nil:
				unit = p.spec.Unit.Dim().Unit().Symbol
				for _, u := range p.spec.Unit.Dim().Units() {
					if u.Factor == p.spec.Unit.Base() {
						unit = u.Symbol
					}
				}
			case p.typ != nil:
				unit = p.typ.String()
			}
			access := ""
			if p.readable() {
				access += "r"
			}
			if p.writable() {
				access += "w"
			}
			t.Rows = append(t.Rows, []string{dev, kind, p.name, unit, access, p.spec.Doc})
			dev, kind = "", ""
		}
	}
	return t
}
