package tasks_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

// A function is not running until it is started; Start returns at once and
// Await blocks, like Concert's start(coro) and await task.
func ExampleStart() {
	corofunc := func(ctx context.Context) (int, error) {
		time.Sleep(10 * time.Millisecond)
		return 1, nil
	}
	task := tasks.Start(corofunc) // does not block
	result, err := task.Await(context.Background())
	fmt.Println(result, err, task.State())
	// Output: 1 <nil> done
}

// Background makes a function that starts a new task on every call, like
// Concert's @background decorator.
func ExampleBackground() {
	double := tasks.Background(func(ctx context.Context, x int) (int, error) { return 2 * x, nil })
	results, err := tasks.Gather(context.Background(), double(1), double(2), double(3))
	fmt.Println(results, err)
	// Output: [2 4 6] <nil>
}

// Cancelling the context of an Await cancels the awaited task and waits for
// it to finish cleaning up: a motor has stopped when the prompt comes back.
func ExampleTask_Await_cancel() {
	move := tasks.Start(func(ctx context.Context) error {
		<-ctx.Done()
		fmt.Println("motor stopping")
		return ctx.Err()
	}, tasks.Named("motor.SetPosition"))

	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(10*time.Millisecond, func() { cancel(tasks.ErrInterrupted) })
	_, err := move.Await(ctx)
	fmt.Println(move.State(), errors.Is(err, tasks.ErrInterrupted))
	// Output:
	// motor stopping
	// cancelled true
}

// WaitUntil polls a condition, like Concert's wait_until.
func ExampleWaitUntil() {
	start := time.Now()
	err := tasks.WaitUntil(context.Background(), func() bool {
		return time.Since(start) > 20*time.Millisecond
	}, time.Millisecond, time.Second)
	fmt.Println(err)
	err = tasks.WaitUntil(context.Background(), func() bool { return false }, time.Millisecond, 10*time.Millisecond)
	fmt.Println(err)
	// Output:
	// <nil>
	// timed out after 10ms waiting for condition
}
