package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/adrg/xdg"
)

// EnvSessionsDir names the environment variable that, when set, replaces
// <data>/concert/sessions as the directory of user sessions.
const EnvSessionsDir = "CONCERT_SESSIONS_DIR"

// BundledPrefix starts the path Load returns for a bundled session, so that
// error positions read bundled/tutorial.go:3:1.
const BundledPrefix = "bundled/"

// NotFoundError says that no session has the name, and which one it
// may have been meant as.
type NotFoundError struct {
	Name string
	Near string // a session whose name is one or two letters away; "" for none
}

func (e *NotFoundError) Error() string {
	if e.Near != "" {
		return fmt.Sprintf("no session %q; did you mean %s? (concert show lists them)", e.Name, e.Near)
	}
	return fmt.Sprintf("no session %q (concert show lists them)", e.Name)
}

// notFound is the error for name, with the nearest session's name.
func (s *Store) notFound(name string) error {
	infos, _ := s.List()
	near, best := "", 3 // at most two edits, and fewer than the name has letters
	for _, in := range infos {
		if d := editDistance(name, in.Name); d < best && d < len(name) {
			near, best = in.Name, d
		}
	}
	return &NotFoundError{Name: name, Near: near}
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// ExistsError says that a session would be overwritten.
type ExistsError struct {
	Name string
	Path string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("session %q exists already (%s)", e.Name, e.Path)
}

// BundledError says that a bundled session cannot be changed in place.
type BundledError struct{ Name string }

func (e *BundledError) Error() string {
	return fmt.Sprintf("session %q is bundled with concert and cannot be changed; copy it first: concert cp %s my-%s", e.Name, e.Name, e.Name)
}

// Store is the set of sessions: the user's directory, then the bundled ones.
// Its fields are read only; a Store is safe for concurrent use as far as the
// file system is.
type Store struct {
	// Dir holds the user sessions as NAME.go.
	Dir string
	// DataDir holds the trash, the instance locks and the log.
	DataDir string
	// Bundled holds the sessions shipped in the binary as NAME.go at its
	// root; nil for none.
	Bundled fs.FS
}

// New returns the Store of this user: sessions in $CONCERT_SESSIONS_DIR, or
// else in the XDG data directory, read afresh from the environment.
func New(bundled fs.FS) (*Store, error) {
	xdgMu.Lock()
	xdg.Reload()
	home := xdg.DataHome
	xdgMu.Unlock()
	if home == "" {
		return nil, errors.New("cannot find a data directory: set XDG_DATA_HOME or HOME")
	}
	data := filepath.Join(home, "concert")
	dir := os.Getenv(EnvSessionsDir)
	if dir == "" {
		dir = filepath.Join(data, "sessions")
	}
	// Absolute, so that paths in messages and in the trash stay right
	// whatever the working directory.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Store{Dir: dir, DataDir: data, Bundled: bundled}, nil
}

// xdgMu guards package xdg's variables, which Reload rewrites.
var xdgMu sync.Mutex

// Path returns the file of the user session name, whether or not it exists.
func (s *Store) Path(name string) (string, error) {
	if err := ValidName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.Dir, name+".go"), nil
}

// Exists reports whether name is a user session.
func (s *Store) Exists(name string) (bool, error) {
	p, err := s.Path(name)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Load returns the source of session name and its path: the user session
// if there is one, else the bundled one, whose path starts with
// BundledPrefix. A name found in neither gives a *NotFoundError.
func (s *Store) Load(name string) (src []byte, path string, err error) {
	p, err := s.Path(name)
	if err != nil {
		return nil, "", err
	}
	src, err = ReadFile(p)
	if err == nil {
		return src, p, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	if src, ok := s.bundled(name); ok {
		return src, BundledPrefix + name + ".go", nil
	}
	return nil, "", s.notFound(name)
}

func (s *Store) bundled(name string) ([]byte, bool) {
	if s.Bundled == nil {
		return nil, false
	}
	src, err := fs.ReadFile(s.Bundled, name+".go")
	return src, err == nil
}

// Info describes one session for a listing.
type Info struct {
	Name    string
	Path    string // as Load returns it
	Bundled bool
	Summary string // see Summary
}

// List returns the user sessions and the bundled sessions that no user
// session of the same name hides, sorted by name.
func (s *Store) List() ([]Info, error) {
	seen := map[string]bool{}
	var out []Info
	entries, err := os.ReadDir(s.Dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".go")
		if !ok || e.IsDir() || ValidName(name) != nil {
			continue
		}
		p := filepath.Join(s.Dir, e.Name())
		src, err := ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		seen[name] = true
		out = append(out, Info{Name: name, Path: p, Summary: Summary(src)})
	}
	if s.Bundled != nil {
		entries, err := fs.ReadDir(s.Bundled, ".")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".go")
			if !ok || e.IsDir() || seen[name] || ValidName(name) != nil {
				continue
			}
			src, _ := s.bundled(name)
			out = append(out, Info{Name: name, Path: BundledPrefix + e.Name(), Bundled: true, Summary: Summary(src)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Write stores src as the user session name. Without force it refuses, with
// an *ExistsError, to replace a session; with force it keeps the session it
// replaces in the trash, as Remove does, so that a forced init or import
// on the wrong name loses nothing. The file appears whole or not at all
// (see WriteFile).
func (s *Store) Write(name string, src []byte, force bool) error {
	p, err := s.Path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	if force {
		if _, err := s.trash(name, p, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	err = WriteFile(p, src, force)
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Name: name, Path: p}
	}
	return err
}

// WriteFile writes data to path whole or not at all, as a file of mode
// 0644: into a temporary file beside it, flushed to the disk, then renamed
// over path if replace, or else linked to path, which fails with an error
// matching fs.ErrExist if path exists. A check-then-rename would race with
// another writer and could lose its file; a link never replaces one.
func WriteFile(path string, data []byte, replace bool) error {
	tmp, err := writeTemp(path, data, time.Time{})
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if replace {
		return os.Rename(tmp, path)
	}
	return os.Link(tmp, path)
}

// writeTemp writes data into a new temporary file beside path, of mode
// 0644, flushed to the disk, with modification time mtime unless zero,
// and returns its name; the caller removes it.
func writeTemp(path string, data []byte, mtime time.Time) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		// Without it a crash soon after the rename can leave an empty
		// file where the old one was.
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && !mtime.IsZero() {
		err = os.Chtimes(tmp.Name(), mtime, mtime)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

// moveNew moves the file from to the session file to of name, never
// replacing a session: it fails with an *ExistsError if to exists.
func moveNew(from, to, name string) error {
	err := transfer(from, to, false)
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Name: name, Path: to}
	}
	return err
}

// transfer gives the file from the name to, unless to exists (an error
// matching fs.ErrExist), by a link, so that it never replaces a file (see
// WriteFile); keep leaves from in place too. Across file systems, where no
// link can be made ($CONCERT_SESSIONS_DIR elsewhere than the trash), it
// copies whole or not at all instead.
func transfer(from, to string, keep bool) error {
	err := os.Link(from, to)
	if errors.Is(err, syscall.EXDEV) {
		var data []byte
		if data, err = os.ReadFile(from); err == nil {
			err = WriteFile(to, data, false)
		}
	}
	if err != nil || keep {
		return err
	}
	return os.Remove(from)
}

// Copy makes dst a copy of session src, which may be bundled. It never
// replaces dst.
func (s *Store) Copy(src, dst string) error {
	if err := ValidName(dst); err != nil {
		return err
	}
	code, _, err := s.Load(src)
	if err != nil {
		return err
	}
	return s.Write(dst, code, false)
}

// Move renames the user session src to dst. It never replaces dst.
func (s *Store) Move(src, dst string) error {
	from, err := s.userPath(src)
	if err != nil {
		return err
	}
	to, err := s.Path(dst)
	if err != nil {
		return err
	}
	return moveNew(from, to, dst)
}

// userPath returns the file of an existing user session, or says why there
// is none.
func (s *Store) userPath(name string) (string, error) {
	p, err := s.Path(name)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if _, ok := s.bundled(name); ok {
			return "", &BundledError{Name: name}
		}
		return "", s.notFound(name)
	}
	return p, nil
}

func (s *Store) trashDir(name string) string {
	return filepath.Join(s.DataDir, "trash", name)
}

// Remove moves the user session name to the trash, from where Restore
// brings it back, and returns the path it now has.
func (s *Store) Remove(name string) (string, error) {
	p, err := s.userPath(name)
	if err != nil {
		return "", err
	}
	return s.trash(name, p, false)
}

// trash puts the session file p of name in the trash and returns its path
// there; keep leaves p in place too.
func (s *Store) trash(name, p string, keep bool) (string, error) {
	if _, err := os.Lstat(p); err != nil {
		return "", err
	}
	dir := s.trashDir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// The time stamp orders the backups and keeps each one: removing a
	// session of the same name again must not lose the earlier one.
	stamp := time.Now().UTC().Format("20060102T150405.000000000Z")
	to := filepath.Join(dir, stamp+".go")
	if err := transfer(p, to, keep); err != nil {
		return "", err
	}
	return to, nil
}

// Trashed returns the names of removed sessions that Restore can bring
// back, sorted.
func (s *Store) Trashed() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.DataDir, "trash"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if b, _ := s.newestBackup(e.Name()); b != "" {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func (s *Store) newestBackup(name string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(s.trashDir(name), "*.go"))
	if err != nil || len(matches) == 0 {
		return "", err
	}
	sort.Strings(matches)
	return matches[len(matches)-1], nil
}

// RestoreError says that there is nothing to restore.
type RestoreError struct{ Name string }

func (e *RestoreError) Error() string {
	return fmt.Sprintf("no removed session %q to restore", e.Name)
}

// Restore brings back the most recently removed session name. It never
// replaces a session of that name.
func (s *Store) Restore(name string) error {
	p, err := s.Path(name)
	if err != nil {
		return err
	}
	b, err := s.newestBackup(name)
	if err != nil {
		return err
	}
	if b == "" {
		return &RestoreError{Name: name}
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	return moveNew(b, p, name)
}
