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
		"STARTTLS (self-signed certificate), AUTH PLAIN",
		`subject "[에이크미] 문의하신 내용에 답변이 도착했습니다"`,
		"envelope from support@acme.example to m***@example.com, over TLS: true, logged in as \"followup\"",
		"Message-ID: <fu-",
		"@acme.example>",
		"List-Unsubscribe: <https://acme.example/follow-ups/stop?k=fu-",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		"Content-Type: multipart/alternative;",
		`Decoded: subject "[에이크미] 문의하신 내용에 답변이 도착했습니다", multipart/alternative with 2 parts.`,
		"part 1: text/plain; charset=UTF-8",
		"part 2: text/html; charset=UTF-8",
		"이수진: 주문하신 <무선 키보드> 는 내일 출고됩니다.",                       // the text part, as written
		"주문하신 &lt;무선 키보드&gt; 는 내일 출고됩니다. 송장 번호는 문자 &amp; 이메일로", // the HTML part, escaped
		"same Message-ID <fu-",
		"@acme.example>: true.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The customer's address appears only inside the message as received
	// (the quoted lines), masked everywhere else.
	for line := range strings.Lines(got) {
		if !strings.HasPrefix(line, "     | ") && strings.Contains(line, "minji.kim") {
			t.Errorf("line shows the raw address: %s", line)
		}
	}
}
