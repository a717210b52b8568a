// A function's own defer runs, and its recover() works, when a recursion
// without end below it is caught: a deferred closure runs on top of the
// deep stack of the panic, but is as deep as the function that deferred
// it. In a command, in a task and in a library's callback.
func inf(n int) int { return inf(n+1) + 1 }
func() { defer func() { fmt.Println("recovered:", recover()) }(); inf(0) }()
await start(func() error { defer func() { fmt.Println("cleanup ran") }(); inf(0); return nil })
res := make(chan any, 1)
tm := time.AfterFunc(time.Millisecond, func() { defer func() { res <- recover() }(); inf(0) })
var got any = "the callback's defer did not run"
select { case v := <-res: got = v; case <-time.After(20 * time.Second): }
got
// Output:
// recovered: functions called 1000 deep: a function that calls itself without end?
// cleanup ran
// Sorry, panic: functions called 1000 deep: a function that calls itself without end?
// functions called 1000 deep: a function that calls itself without end?
