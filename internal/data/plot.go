package data

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var nan = math.NaN()

// writePlot draws column m.PlotX against each of m.PlotY as lines with
// points, one colour each, and saves it as a PNG.
func writePlot(path string, m Meta, rows [][]float64) error {
	if len(m.PlotY) == 0 || m.PlotX >= len(m.Columns) {
		return nil
	}
	p := plot.New()
	p.Title.Text = m.Kind + " (run " + strconv.Itoa(m.Run) + ")"
	p.X.Label.Text = m.Columns[m.PlotX].Header()
	if len(m.PlotY) == 1 && m.PlotY[0] < len(m.Columns) {
		p.Y.Label.Text = m.Columns[m.PlotY[0]].Header()
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	for i, y := range m.PlotY {
		if y >= len(m.Columns) {
			continue
		}
		xys := make(plotter.XYs, 0, len(rows))
		for _, r := range rows {
			if y < len(r) && !math.IsNaN(r[m.PlotX]) && !math.IsNaN(r[y]) {
				xys = append(xys, plotter.XY{X: r[m.PlotX], Y: r[y]})
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		c := plotutil.Color(i)
		line.Color, points.Color = c, c
		points.Shape = draw.CircleGlyph{}
		p.Add(line, points)
		if len(m.PlotY) > 1 {
			p.Legend.Add(m.Columns[y].Header(), line, points)
		}
	}
	return p.Save(16*vg.Centimeter, 10*vg.Centimeter, path)
}
