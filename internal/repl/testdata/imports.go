// Pasted Go code starts with its imports: importing a package the session
// already has (the prelude's or an earlier import) is harmless.
import "context"
import (
	"fmt"
	"os"
	"time"
)
import "os"
fmt.Println(context.Background() != nil, time.Second)
// Sessions see the real environment (the tests set NO_COLOR=1).
os.Getenv("NO_COLOR")
len(os.Environ()) > 0
// Output:
// true 1s
// 1
// true
