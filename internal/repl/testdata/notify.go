// A task the user started that fails while nobody awaits it says so; an
// awaited one fails through its await, once.
t := start(func() error { return fmt.Errorf("boom") })
sleep(context.Background(), 300*time.Millisecond)
await start(func() error { return fmt.Errorf("awaited once") })
t.State()
// Output:
// Sorry, task 5 func failed: boom
// Sorry, awaited once
// failed
