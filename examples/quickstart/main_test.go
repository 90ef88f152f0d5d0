package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"payment method",
		"awaitContact",
		"refused (fixedLine)",
		"+82 10-****-5678",
		"Reachable for a follow-up: true",
		"reaches the inbox: open",
		"discard",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, raw := range []string{"1234-5678", "MinJi.Kim", "민지"} {
		if strings.Contains(got, raw) {
			t.Errorf("output shows raw personal data %q:\n%s", raw, got)
		}
	}
}
