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
		"+82 **-****-5678",
		"Reachable for a follow-up: true",
		"reaches the inbox: open",
		"discard",
		// The follow-up: two replies, one key, one delivery, a report.
		"reply 2 -> plan: due at 22:15",
		"[AlimTalk provider] template FOLLOWUP_REPLY",
		"주문하신 상품은 내일 출고됩니다.",
		"alimtalk delivered via alimtalk",
		"email    delivered via email",
		"second delivery: cancelled (alreadyFollowedUp)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// Personal data appears masked everywhere except inside the message the
	// provider receives, which is addressed to the customer by name.
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "     | ") {
			continue
		}
		for _, raw := range []string{"1234-5678", "01012345678", "MinJi.Kim", "minji.kim", "민지"} {
			if strings.Contains(line, raw) {
				t.Errorf("line shows raw personal data %q: %s", raw, line)
			}
		}
	}
}
