package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

// maxSessionSize bounds what import reads from one source: sessions are
// small, and a wrong URL must not fill the disk.
const maxSessionSize = 4 << 20

type importOptions struct {
	*env
	sources []string
	force   bool
	repo    bool
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
import, and nothing is written. Each session file appears whole or not at
all.`,
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
			got, err = fromZip(s)
		default:
			got, err = fromFile(s)
		}
		if err != nil {
			return fmt.Errorf("import %s: %w; nothing imported", s, err)
		}
		all = append(all, got...)
	}
	seen := map[string]string{}
	for _, im := range all {
		if prev, ok := seen[im.name]; ok {
			return fmt.Errorf("import: two sessions named %s (%s and %s); nothing imported", im.name, prev, im.from)
		}
		seen[im.name] = im.from
	}
	for _, im := range all {
		if err := o.Check(im.from, im.src); err != nil {
			return fmt.Errorf("import %s: it does not parse as a session; nothing imported:\n%v", im.from, err)
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
	for _, im := range all {
		replacing, err := st.Exists(im.name)
		if err != nil {
			return err
		}
		if err := st.Write(im.name, im.src, o.force); err != nil {
			return fmt.Errorf("import %s: %w", im.from, err)
		}
		o.note("Imported %s from %s", im.name, im.from)
		if replacing {
			o.noteReplaced(im.name)
		}
	}
	return nil
}

// sessionName names the session of a file name: scan.go is scan.
func sessionName(file string) (string, error) {
	name, ok := strings.CutSuffix(path.Base(filepath.ToSlash(file)), ".go")
	if !ok {
		return "", fmt.Errorf("%q is not a .go file", path.Base(filepath.ToSlash(file)))
	}
	return name, store.ValidName(name)
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSessionSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSessionSize {
		return nil, fmt.Errorf("larger than %d MiB, not a session", maxSessionSize>>20)
	}
	return b, nil
}

func fromFile(p string) ([]imported, error) {
	name, err := sessionName(p)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := readLimited(f)
	if err != nil {
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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	resp, err := o.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	src, err := readLimited(resp.Body)
	if err != nil {
		return nil, err
	}
	return []imported{{name: name, from: raw, src: src}}, nil
}

func fromZip(p string) ([]imported, error) {
	z, err := zip.OpenReader(p)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	var out []imported
	for _, f := range z.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		name, err := sessionName(f.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		src, err := readLimited(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out = append(out, imported{name: name, from: p + ":" + f.Name, src: src})
	}
	if len(out) == 0 {
		return nil, errors.New("no .go sessions in the archive")
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
		return nil, fmt.Errorf("git clone failed: %s", firstLine(stderr.String(), err.Error()))
	}
	var out []imported
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
		name, err := sessionName(p)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(src) > maxSessionSize {
			return fmt.Errorf("%s: larger than %d MiB, not a session", rel, maxSessionSize>>20)
		}
		out = append(out, imported{name: name, from: repo + ":" + filepath.ToSlash(rel), src: src})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no .go sessions in the repository")
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
