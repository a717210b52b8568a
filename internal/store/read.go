package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxFileSize bounds every file concert reads from outside: sessions
// (start --filename, the sessions directory, import from files, URLs, zip
// archives and repositories) and --init command files. Sessions are small;
// a wrong name (/dev/zero, a disk image) must give an error, not fill the
// memory (issue 16: start --filename /dev/zero read 24 GB).
const MaxFileSize = 4 << 20

// TooLargeError says that what was read is larger than MaxFileSize.
type TooLargeError struct{ What string }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d MiB, too large for a session or command file", e.What, MaxFileSize>>20)
}

// NotRegularError says that a path names a directory, a device, a pipe or
// a socket, not a file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	kind := "not a regular file"
	switch {
	case e.Mode.IsDir():
		kind = "a directory"
	case e.Mode&fs.ModeDevice != 0:
		kind = "a device"
	case e.Mode&fs.ModeNamedPipe != 0:
		kind = "a pipe"
	case e.Mode&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Sprintf("%s is %s; give a session or command file", e.Path, kind)
}

// ReadFile reads the regular file at path, at most MaxFileSize bytes:
// anything else (a directory, a device such as /dev/zero, a pipe) gives a
// *NotRegularError, a larger file a *TooLargeError. Symbolic links are
// followed; the file they end at must be regular.
func ReadFile(path string) ([]byte, error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, path)
}

// OpenRegular opens the regular file at path for reading, as ReadFile
// does, without a size limit: for a zip archive, whose entries the caller
// bounds. The caller closes the file.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	// Non-blocking: opening a pipe without a writer would wait forever
	// before the check below could refuse it.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// ReadFileIn is ReadFile for the file rel inside dir: a symbolic link or
// a .. that leads out of dir is refused (a repository holding a link to
// /dev/zero or /etc/hostname must not import it).
func ReadFileIn(dir, rel string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.OpenFile(rel, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent" {
			return nil, fmt.Errorf("%s is a symbolic link that leads out of the repository; refused", rel)
		}
		return nil, err
	}
	defer f.Close()
	return readRegular(f, rel)
}

func readRegular(f *os.File, name string) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: name, Mode: fi.Mode()}
	}
	return ReadAll(f, name)
}

// ReadAll reads r to its end, at most MaxFileSize bytes; more gives a
// *TooLargeError naming what. For what is not a file: an HTTP body, a zip
// archive's entry.
func ReadAll(r io.Reader, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, &TooLargeError{What: what}
	}
	return b, nil
}
