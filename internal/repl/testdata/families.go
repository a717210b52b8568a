// A filter wheel refuses a position it does not have, naming those it
// has; a counter counts for its count time.
f := selections.NewDummy("filter", "none", "Al 1 mm")
await f.SetSelection("Al 1 mm")
f.Selection()
await f.SetSelection("Fe")
c := counters.NewDummy("det")
await c.SetCountTime(10 * q.MS)
await c.Count()
// Output:
// Al 1 mm
// Sorry, filter.selection: "Fe" is no position; the positions are "none", "Al 1 mm"
// 10
