package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

// An import reads everything before it writes anything; these bound what
// it reads in all, over all its sources (issue 16: a 250 KB zip of 60
// entries of 4 MiB each wrote 240 MB). Each session is bounded by
// store.MaxFileSize.
const (
	maxImportSessions = 1000
	maxImportTotal    = 64 << 20
)

// exportComment marks a zip archive that concert export wrote: import
// restores its sessions as they are, also those that do not parse.
const exportComment = "concert export"

type importOptions struct {
	*env
	sources []string
	force   bool
	repo    bool

	sessions int    // read so far, over all sources
	bytes    uint64 // read or announced by an archive so far
}

func newImportCmd(e *env) *cobra.Command {
	o := &importOptions{env: e}
	cmd := &cobra.Command{
		Use:   "import FILE|URL...",
		Short: "Add sessions from files, URLs, zip archives or git repositories",
		Long: `Add sessions from files, http(s) URLs, zip archives (as concert export
writes them) or, with --repo, every .go session of git repositories (cloned
with the git command). A session is named after its file: scan.go becomes
scan.

Every source is read and checked first: one that cannot be fetched, does not
parse as a session, or would replace a session without --force stops the
import, and nothing is written. Then every session is written, or none:
a failure on one undoes the others. An import reads at most 1000 sessions
and 64 MiB in all, each session at most 4 MiB, regular files only.

An archive written by concert export is restored as it is: a session in it
that does not parse is imported all the same, with a note.`,
		Example: `  concert import ~/scan.go
  concert import https://example.org/beamline/tomo.go
  concert import --repo https://git.example.org/beamline/sessions.git
  concert import sessions.zip`,
		Args: args(1, -1, "FILE|URL..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.sources = args
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.force, "force", "f", false, "replace existing sessions of the same names")
	cmd.Flags().BoolVar(&o.repo, "repo", false, "import every .go session of the git repositories given")
	return cmd
}

// imported is one session read for import.
type imported struct {
	name, from string
	src        []byte
	mtime      time.Time // from an archive; zero for now
	asIs       bool      // from concert export: kept even if it does not parse
	broken     error     // it does not parse (asIs only)
}

func (o *importOptions) run(ctx context.Context) error {
	st, err := o.store()
	if err != nil {
		return err
	}
	var all []imported
	for _, s := range o.sources {
		var got []imported
		var err error
		switch {
		case o.repo:
			got, err = o.fromRepo(ctx, s)
		case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
			got, err = o.fromURL(ctx, s)
		case strings.HasSuffix(strings.ToLower(s), ".zip"):
			got, err = o.fromZip(s)
		default:
			got, err = o.fromFile(s)
		}
		if err != nil {
			return fmt.Errorf("import %s: %w; nothing imported", redactURL(s), err)
		}
		all = append(all, got...)
	}
	if err := o.check(st, all); err != nil {
		return err
	}
	list := make([]store.Session, len(all))
	for i, im := range all {
		list[i] = store.Session{Name: im.name, Src: im.src, ModTime: im.mtime}
	}
	replaced, err := st.WriteAll(list, o.force)
	if err != nil {
		from := ""
		var we *store.WriteAllError
		if errors.As(err, &we) {
			for _, im := range all {
				if im.name == we.Name {
					from = " " + im.from
				}
			}
		}
		return fmt.Errorf("import%s: %w; nothing imported", from, err)
	}
	for _, im := range all {
		o.note("Imported %s from %s", im.name, im.from)
		if im.broken != nil {
			o.note("Note: %s does not parse, imported as the archive holds it (concert edit %s to fix it): %s",
				im.name, im.name, firstLine(im.broken.Error(), ""))
		}
		if slices.Contains(replaced, im.name) {
			o.noteReplaced(im.name)
		}
	}
	return nil
}

// check refuses, before anything is written, two sessions of one name, a
// session that does not parse (unless from concert export) and, without
// --force, one that exists.
func (o *importOptions) check(st *store.Store, all []imported) error {
	seen := map[string]string{}
	for _, im := range all {
		if prev, ok := seen[im.name]; ok {
			return fmt.Errorf("import: two sessions named %s (%s and %s); nothing imported", im.name, prev, im.from)
		}
		seen[im.name] = im.from
	}
	for i, im := range all {
		if err := o.Check(im.from, im.src); err != nil {
			if !im.asIs {
				return fmt.Errorf("import %s: it does not parse as a session; nothing imported:\n%v", im.from, err)
			}
			all[i].broken = err
		}
		if !o.force {
			if ok, err := st.Exists(im.name); err != nil {
				return err
			} else if ok {
				p, _ := st.Path(im.name)
				return fmt.Errorf("import %s: %w; --force replaces it; nothing imported", im.from, &store.ExistsError{Name: im.name, Path: p})
			}
		}
	}
	return nil
}

// spend counts n more sessions and size more bytes against the import's
// bounds, before they are read where the size is known beforehand.
func (o *importOptions) spend(n int, size uint64) error {
	o.sessions += n
	o.bytes += size
	switch {
	case o.sessions > maxImportSessions:
		return fmt.Errorf("more than %d sessions in one import; import fewer at a time", maxImportSessions)
	case o.bytes > maxImportTotal:
		return fmt.Errorf("more than %d MiB of sessions in one import; import fewer at a time", maxImportTotal>>20)
	}
	return nil
}

// redactURL is raw without the user name and password of a URL, for
// messages and the log; anything else as it is.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil || u.Host == "" {
		return raw
	}
	u.User = nil
	return u.String()
}

// sessionName names the session of a file name: scan.go is scan.
func sessionName(file string) (string, error) {
	name, ok := strings.CutSuffix(path.Base(filepath.ToSlash(file)), ".go")
	if !ok {
		return "", fmt.Errorf("%q is not a .go file", path.Base(filepath.ToSlash(file)))
	}
	return name, store.ValidName(name)
}

func (o *importOptions) fromFile(p string) ([]imported, error) {
	name, err := sessionName(p)
	if err != nil {
		return nil, err
	}
	src, err := store.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if err := o.spend(1, uint64(len(src))); err != nil {
		return nil, err
	}
	return []imported{{name: name, from: p, src: src}}, nil
}

func (o *importOptions) fromURL(ctx context.Context, raw string) ([]imported, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	name, err := sessionName(u.Path)
	if err != nil {
		return nil, err
	}
	shown := redactURL(raw)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	resp, err := o.HTTP.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = shown
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	src, err := store.ReadAll(resp.Body, "the answer")
	if err != nil {
		return nil, err
	}
	if err := o.spend(1, uint64(len(src))); err != nil {
		return nil, err
	}
	return []imported{{name: name, from: shown, src: src}}, nil
}

// fromZip reads the .go sessions of the archive at p. Their number and
// sizes, as its directory announces them, are checked before any is read;
// archive/zip refuses an entry longer than announced.
func (o *importOptions) fromZip(p string) ([]imported, error) {
	f, fi, err := store.OpenRegular(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return nil, err
	}
	var entries []*zip.File
	var size uint64
	for _, e := range z.File {
		if e.FileInfo().IsDir() || !strings.HasSuffix(e.Name, ".go") {
			continue
		}
		entries = append(entries, e)
		size += e.UncompressedSize64
	}
	if len(entries) == 0 {
		return nil, errors.New("no .go sessions in the archive")
	}
	if err := o.spend(len(entries), size); err != nil {
		return nil, err
	}
	asIs := strings.HasPrefix(z.Comment, exportComment)
	out := make([]imported, 0, len(entries))
	for _, e := range entries {
		name, err := sessionName(e.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		r, err := e.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		src, err := store.ReadAll(r, e.Name)
		r.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, imported{name: name, from: p + ":" + e.Name, src: src, mtime: e.Modified, asIs: asIs})
	}
	return out, nil
}

// fromRepo clones repo (a URL or a path, as git takes it) into a temporary
// directory and reads every .go file in it that is not a Go test.
func (o *importOptions) fromRepo(ctx context.Context, repo string) ([]imported, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("--repo needs the git command, which is not installed")
	}
	dir, err := os.MkdirTemp("", "concert-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	clone := exec.CommandContext(ctx, "git", "clone", "--quiet", "--depth", "1", "--", repo, dir)
	var stderr strings.Builder
	clone.Stderr = &stderr
	clone.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	if err := clone.Run(); err != nil {
		msg := firstLine(stderr.String(), err.Error())
		return nil, fmt.Errorf("git clone failed: %s", strings.ReplaceAll(msg, repo, redactURL(repo)))
	}
	// Names first, then the files: their number is checked before any is
	// read, and each is read inside the clone only (store.ReadFileIn).
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("no .go sessions in the repository")
	}
	if err := o.spend(len(files), 0); err != nil {
		return nil, err
	}
	shown := redactURL(repo)
	var out []imported
	for _, rel := range files {
		name, err := sessionName(rel)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		src, err := store.ReadFileIn(dir, rel)
		if err != nil {
			return nil, err
		}
		if err := o.spend(0, uint64(len(src))); err != nil {
			return nil, err
		}
		out = append(out, imported{name: name, from: shown + ":" + filepath.ToSlash(rel), src: src})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	return out, nil
}

func firstLine(s, otherwise string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return otherwise
	}
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimPrefix(line, "fatal: ")
}
