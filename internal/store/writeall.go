package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Session is one session for WriteAll.
type Session struct {
	Name    string
	Src     []byte
	ModTime time.Time // the file's modification time; zero for now
}

// WriteAllError says which session WriteAll could not write; nothing was
// written.
type WriteAllError struct {
	Name string
	Err  error
}

func (e *WriteAllError) Error() string { return e.Err.Error() }
func (e *WriteAllError) Unwrap() error { return e.Err }

// WriteAll stores every session of list, or none of them (issue 16: an
// import that failed on its second session kept the first). Without force
// an existing session gives an *ExistsError; with force each session
// replaced is kept in the trash, as Write does, and its name is returned.
// A failure gives a *WriteAllError and leaves the sessions as they were.
//
// It works in three steps: every session is written into a temporary file
// beside its place (and every session to replace is copied into the trash);
// then each is linked in, or renamed over the one it replaces, which is
// kept under a second name meanwhile; a failure there undoes the steps
// done, in reverse. Only then are the temporary names removed.
func (s *Store) WriteAll(list []Session, force bool) (replaced []string, err error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, err
	}
	steps := make([]*writeStep, 0, len(list))
	defer func() {
		for _, st := range steps {
			st.cleanup(err != nil)
		}
	}()
	for _, x := range list {
		st, err := s.prepare(x, force)
		if st != nil {
			steps = append(steps, st)
		}
		if err != nil {
			return nil, &WriteAllError{Name: x.Name, Err: err}
		}
	}
	for i, st := range steps {
		if err := st.commit(); err != nil {
			for j := i - 1; j >= 0; j-- {
				steps[j].rollback()
			}
			return nil, &WriteAllError{Name: st.name, Err: err}
		}
	}
	for _, st := range steps {
		if st.trashed != "" {
			replaced = append(replaced, st.name)
		}
	}
	return replaced, nil
}

// writeStep is one session of a WriteAll on its way in.
type writeStep struct {
	name, path string
	tmp        string // the new file, under a temporary name
	trashed    string // the copy in the trash of the session it replaces
	backup     string // the session it replaces, under a temporary name
	done       bool
}

func (s *Store) prepare(x Session, force bool) (*writeStep, error) {
	p, err := s.Path(x.Name)
	if err != nil {
		return nil, err
	}
	st := &writeStep{name: x.Name, path: p}
	if force {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		case fi.IsDir():
			return nil, fmt.Errorf("a directory is in the way of session %q at %s; move it away", x.Name, p)
		default:
			if st.trashed, err = s.trash(x.Name, p, true); err != nil {
				return nil, err
			}
		}
	}
	st.tmp, err = writeTemp(p, x.Src, x.ModTime)
	return st, err
}

// commit puts the new file in place: linked, so that it never replaces a
// session that was not to be replaced, or renamed over the one it
// replaces, kept as backup until the end.
func (st *writeStep) commit() error {
	if st.trashed == "" {
		err := os.Link(st.tmp, st.path)
		if errors.Is(err, fs.ErrExist) {
			err = &ExistsError{Name: st.name, Path: st.path}
		}
		st.done = err == nil
		return err
	}
	st.backup = st.tmp + ".old"
	if err := os.Link(st.path, st.backup); err != nil {
		st.backup = ""
		return err
	}
	if err := os.Rename(st.tmp, st.path); err != nil {
		return err
	}
	st.done = true
	return nil
}

func (st *writeStep) rollback() {
	if !st.done {
		return
	}
	if st.backup != "" {
		if os.Rename(st.backup, st.path) == nil {
			st.backup = ""
		} else {
			st.trashed = "" // the trash keeps the only copy left
		}
		return
	}
	// Only the file linked in: a session written meanwhile by someone
	// else stays.
	a, err1 := os.Stat(st.tmp)
	b, err2 := os.Stat(st.path)
	if err1 == nil && err2 == nil && os.SameFile(a, b) {
		os.Remove(st.path)
	}
}

// cleanup removes the temporary names; failed also removes the trash copy,
// which no longer backs up a replaced session.
func (st *writeStep) cleanup(failed bool) {
	os.Remove(st.tmp)
	if st.backup != "" {
		os.Remove(st.backup)
	}
	if failed && st.trashed != "" {
		os.Remove(st.trashed)
	}
}
