// Package tasks runs the shell's concurrent work: every command, device
// operation and background job is a Task with its own context, listed in a
// Scheduler until it ends.
//
// # Cancellation model
//
// This is the one place the contract is written; other packages refer here.
//
//   - A task's context derives from its scheduler's root context, not from
//     the context of whoever started it: a task started from the prompt is a
//     background task and outlives the command that started it (Concert's
//     start and @background).
//   - Cancelling a task (Task.Cancel, Task.CancelCause) cancels its context
//     with a cause and returns at once; it does not wait. The task is
//     Cancelling until its function returns, then Cancelled. Code that
//     ignores its context keeps running: nothing reports such a task as
//     ended before its function has returned.
//   - Task.Await waits for a task. If the awaiting context is cancelled
//     first, the awaited task is cancelled with the same cause, and Await
//     returns only after that task has really finished, so the cleanup of
//     the operation (a motor stopping) is over when Await returns.
//   - The command typed at the prompt is itself a task, started with
//     AsForeground. ctrl-c cancels the foreground task with ErrInterrupted;
//     through Await that reaches whatever it waits for. Background tasks are
//     not touched.
//   - ctrl-k cancels every task with ErrEmergencyStop and calls emergency
//     stop on every registered device (package devices). At the key every
//     task is held (Scheduler.Hold): whatever it starts from then on ends
//     cancelled at once. The devices stop first, each cancelling its own
//     operations, and the tasks are cancelled as soon as the devices have
//     answered (when none has answered for 20 ms, or after 200 ms, if
//     one hangs): cancelling thousands of tasks wakes them all, and the
//     devices' stops would queue behind them. CancelAll also cancels
//     what the cancelled tasks start while it runs, and an emergency stop
//     never restarts anything: a task started from a task it held or
//     cancelled (one that ignores its context and goes on) ends cancelled
//     at once, its function never called, so no motor moves again after
//     ctrl-k until the user types a new command.
//
// A task whose context was cancelled before its function returned ends as
// Cancelled whatever the function returned: an interpreted closure that was
// stopped from outside returns zero values, and those must never read as
// success.
//
// A panic inside a task does not crash the process: the task fails with a
// *PanicError carrying the value and the stack. A function that leaves
// through runtime.Goexit, or whose error is a nil pointer with methods that
// panic, fails with an error saying so.
package tasks
