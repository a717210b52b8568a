// What a session does must not end the process.
// An allocation larger than the machine's memory:
b := make([]byte, 1<<40)
x := make([]float64, 3, 10)
len(x)
// Unbounded recursion:
func f(n int) int { return f(n+1) + 1 }
f(0)
// A panic in a sort.Slice less function inside a task:
import "sort"
xs := []int{3, 1, 2}
await start(func() { sort.Slice(xs, func(i, j int) bool { panic("in less") }) })
// A panic in a function net/http calls on its own goroutine:
import (
	"net"
	"net/http"
)
tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) { panic("in dial") }}
c := &http.Client{Transport: tr}
_, err := c.Get("http://127.0.0.1:1/")
err
"still alive"
// Output:
// Sorry, panic: make of 1099511627776 elements of 1 bytes each: more memory than this machine has
// 3
// Sorry, panic: functions called 1000 deep: a function that calls itself without end?
// Sorry, panic: in less
// Sorry, panic in a function a library called on its own goroutine: in dial
// Get "http://127.0.0.1:1/": net/http: Transport.DialContext hook returned (nil, nil)
// still alive
