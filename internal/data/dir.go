package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/concert-go/concert/internal/store"
)

// The data directory of the running session: set once at start (Configure)
// and changeable from the session (SetDir).
var (
	mu      sync.Mutex
	session string
	dir     string
)

// Configure names the session and its data directory; dir "" means the
// default, DefaultDir(session).
func Configure(sessionName, dataDir string) error {
	if dataDir == "" {
		d, err := DefaultDir(sessionName)
		if err != nil {
			return err
		}
		dataDir = d
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	session, dir = sessionName, abs
	return nil
}

// DefaultDir is where a session's runs go unless told otherwise:
// $XDG_DATA_HOME/concert/data/SESSION.
func DefaultDir(sessionName string) (string, error) {
	st, err := store.New(nil)
	if err != nil {
		return "", err
	}
	if sessionName == "" {
		sessionName = "default"
	}
	return filepath.Join(st.DataDir, "data", sessionName), nil
}

// Dir is the data directory runs go to now.
func Dir() string {
	mu.Lock()
	d := dir
	mu.Unlock()
	if d == "" {
		d, _ = DefaultDir("")
	}
	return d
}

// Session is the session's name as Configure gave it.
func Session() string {
	mu.Lock()
	defer mu.Unlock()
	return session
}

// SetDir changes where the next runs go. The directory is made if needed;
// it fails, changing nothing, when it cannot be made or written.
func SetDir(path string) error {
	if path == "" {
		return errors.New("data: give a directory, such as datadir(\"/data/beamtime-42\")")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if err := writable(abs); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	dir = abs
	return nil
}

// writable makes dir and checks that a file can be made in it.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data directory %s cannot be made: %w", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, unwrapPath(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// unwrapPath drops the path from an *os.PathError: messages name it once.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
