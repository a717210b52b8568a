package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

type exportOptions struct {
	*env
	archive string
	force   bool
}

func newExportCmd(e *env) *cobra.Command {
	o := &exportOptions{env: e}
	cmd := &cobra.Command{
		Use:   "export ARCHIVE[.zip]",
		Short: "Save all your sessions in a zip archive",
		Long: `Save all your sessions (not the bundled ones, which every concert has) in
the zip archive ARCHIVE, adding .zip to its name if missing. concert import
ARCHIVE.zip brings them back, on this machine or another, each as it was
(also a session that does not parse, with a note). It never replaces
an existing archive unless --force is given.`,
		Example: `  concert export beamtime-2026-11`,
		Args:    args(1, 1, "ARCHIVE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.archive = args[0]
			return o.run()
		},
	}
	cmd.Flags().BoolVarP(&o.force, "force", "f", false, "replace an existing archive")
	return cmd
}

func (o *exportOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	list, err := st.List()
	if err != nil {
		return err
	}
	archive := o.archive
	if !strings.HasSuffix(strings.ToLower(archive), ".zip") {
		archive += ".zip"
	}
	// Sessions are small: the archive is made in memory and written whole.
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	// import restores such an archive as it is (see exportComment).
	if err := z.SetComment(exportComment); err != nil {
		return err
	}
	n := 0
	for _, s := range list {
		if s.Bundled {
			continue
		}
		src, err := store.ReadFile(s.Path)
		if err != nil {
			return err
		}
		fi, err := os.Stat(s.Path)
		if err != nil {
			return err
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: s.Name + ".go", Method: zip.Deflate, Modified: fi.ModTime()})
		if err != nil {
			return err
		}
		if _, err := w.Write(src); err != nil {
			return err
		}
		if err := o.Check(s.Path, src); err != nil {
			o.note("Note: %s does not parse; exported as it is, and import restores it so", s.Name)
		}
		n++
	}
	if n == 0 {
		return errors.New("no sessions of your own to export; concert init NAME makes one")
	}
	if err := z.Close(); err != nil {
		return err
	}
	err = store.WriteFile(archive, buf.Bytes(), o.force)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists already; --force replaces it", archive)
	}
	if err != nil {
		return err
	}
	o.note("Exported %d sessions to %s", n, archive)
	return nil
}
