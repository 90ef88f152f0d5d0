package followup_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The library's packages do no work at init: importing them costs nothing
// beyond what their dependencies cost. The test builds
// testdata/inittrace, a program that only imports every package of ours,
// runs it with GODEBUG=inittrace=1, which prints a line for every package
// whose initialisation did any work, and looks for ours. (The test binary
// itself would not do: test files add their own init work.)
func TestNoWorkAtInit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "inittrace")
	if out, err := exec.Command(goTool, "build", "-o", bin, "./testdata/inittrace").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(cmd.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	trace := regexp.MustCompile(`(?m)^init (\S+) @`)
	var ours []string
	deps := 0
	for _, m := range trace.FindAllStringSubmatch(string(out), -1) {
		if strings.HasPrefix(m[1], "github.com/followup-go/followup") {
			ours = append(ours, m[0])
		} else {
			deps++
		}
	}
	if deps == 0 {
		t.Fatalf("no init trace at all; GODEBUG=inittrace=1 did not take:\n%s", out)
	}
	if len(ours) > 0 {
		t.Errorf("our packages do work at init:\n%s", strings.Join(ours, "\n"))
	}
}
