// count's time is a q.Duration: a bare number is refused as it is by the
// counter's own SetCountTime, not counted for that many seconds.
det := counters.NewDummy("det")
det.SetCountTime(0.01)
count(det, 0.01)
m := count(det, 5)
count(det, 10 * q.MS) != nil
// Output:
// Sorry, det.SetCountTime(0.01): the number 0.01 has no unit (it would mean 0.01 s); write 0.01 * q.S
// Sorry, count(det, 0.01): the number 0.01 has no unit (it would mean 0.01 s); write 0.01 * q.S
// Sorry, count(det, 5): the number 5 has no unit (it would mean 5 s); write 5 * q.S
// true
