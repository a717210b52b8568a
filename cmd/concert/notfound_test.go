//go:build unix

package main

import (
	"strings"
	"testing"
)

// A session name with a typo names the session it is one or two letters
// away from; a name near nothing gets no guess.
func TestMistypedSessionNameSuggestsTheNearest(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"start", "tutoral"}, `concert: no session "tutoral"; did you mean tutorial? (concert show lists them)`},
		{[]string{"docs", "tomoo"}, `concert: no session "tomoo"; did you mean tomo? (concert show lists them)`},
		{[]string{"start", "xyz"}, `concert: no session "xyz" (concert show lists them)`},
	} {
		out, code := concertIn(t, home, "", tc.args...)
		if code != 1 || strings.TrimSpace(out) != tc.want {
			t.Errorf("concert %s: status %d\n%s\nwant status 1 and\n%s", strings.Join(tc.args, " "), code, out, tc.want)
		}
	}
}
