package repl

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/concert-go/concert/internal/logs"
)

// maxHistory is how many entries the prompt loads; the file keeps more
// until it is rewritten.
const maxHistory = 1000

// history is the prompt's history of one session, one JSON string a line
// so that multi-line entries stay whole. A history without a file keeps
// nothing across runs.
type history struct {
	path string
	mu   sync.Mutex
	list []string
}

func openHistory(path string) *history {
	h := &history{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		if !os.IsNotExist(err) {
			logs.L().Warn("cannot read the history", "path", path, "err", err)
		}
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		var entry string
		if json.Unmarshal(sc.Bytes(), &entry) == nil {
			h.list = append(h.list, entry)
		}
	}
	if len(h.list) > maxHistory {
		h.list = h.list[len(h.list)-maxHistory:]
		h.rewrite()
	}
	return h
}

func (h *history) entries() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.list...)
}

// add appends an entry at once, so that a crash loses nothing. An entry
// equal to the last one is not repeated.
func (h *history) add(entry string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.list); n > 0 && h.list[n-1] == entry {
		return
	}
	h.list = append(h.list, entry)
	if h.path == "" {
		return
	}
	b, _ := json.Marshal(entry)
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		logs.L().Warn("cannot write the history", "path", h.path, "err", err)
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		logs.L().Warn("cannot write the history", "path", h.path, "err", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		logs.L().Warn("cannot write the history", "path", h.path, "err", err)
	}
}

// rewrite keeps only the loaded entries in the file.
func (h *history) rewrite() {
	tmp := h.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	w := bufio.NewWriter(f)
	for _, e := range h.list {
		b, _ := json.Marshal(e)
		w.Write(append(b, '\n'))
	}
	if w.Flush() == nil && f.Close() == nil {
		os.Rename(tmp, h.path)
	}
}
