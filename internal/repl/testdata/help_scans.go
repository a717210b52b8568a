// help(x) of a scan says how it is called and what it does.
help(ascan)
help(count)
help(dscan)
// Output:
// ascan(motor, start, stop, intervals, measures...): SPEC's ascan, intervals+1 points
// count(counter, t): a measure that counts the counter for t (10 * q.MS) at each point
// dscan(motor, from, to, intervals, measures...): relative to where the motor is, back there at the end
