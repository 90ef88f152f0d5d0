package main

import (
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestEncodeText(t *testing.T) {
	var dec mime.WordDecoder
	for _, s := range []string{
		"Your answer is here",
		subject,
		strings.Repeat("문의하신 내용에 답변이 도착했습니다 ", 10),
		"=?UTF-8?B?eA==?= looks encoded but is not",
		"mixed 한국어 and English, 日本語も",
		"tab\tand control \x01",
		strings.Repeat("가", 100), // no spaces at all
	} {
		enc := encodeText(s, room("Subject"))
		for i := 0; i < len(enc); i++ {
			if enc[i] >= 0x80 {
				t.Errorf("encodeText(%q) = %q: not ASCII", s, enc)
				break
			}
		}
		got, err := dec.DecodeHeader(enc)
		if err != nil || got != s {
			t.Errorf("encodeText(%q) = %q, decodes to %q, %v", s, enc, got, err)
		}
		for w := range strings.FieldsSeq(enc) {
			if strings.HasPrefix(w, "=?") && len(w) > 75 {
				t.Errorf("encoded word %q is over 75 characters", w)
			}
		}
	}
	if got := encodeText("plain ASCII", 10); got != "plain ASCII" {
		t.Errorf("ASCII is encoded: %q", got)
	}
}

func TestHeaderFolding(t *testing.T) {
	s, err := New(Config{Addr: "smtp.example.com:587", From: "support@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	m := followUp()
	m.Subject = strings.TrimSpace(strings.Repeat("문의하신 내용에 답변이 도착했습니다 ", 8))
	m.ReplyTo = "에이크미 고객센터 <help@acme.example>, 이수진 <sujin@acme.example>"
	m.Headers = map[string]string{
		"X-Long-Ascii": strings.Repeat("word ", 60),
		"X-Korean":     "에이크미 고객센터",
	}
	data, _, err := s.compose(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(data), "\r\n\r\n")
	for line := range strings.SplitSeq(header, "\r\n") {
		if len(line) > foldAt {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
		if strings.TrimSpace(line) == "" {
			t.Errorf("blank folded line in\n%s", header)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	for name, want := range map[string]string{
		"Subject":      m.Subject,
		"X-Long-Ascii": m.Headers["X-Long-Ascii"],
		"X-Korean":     "에이크미 고객센터",
		"Reply-To":     "에이크미 고객센터 <help@acme.example>, 이수진 <sujin@acme.example>",
	} {
		got, err := dec.DecodeHeader(msg.Header.Get(name))
		// net/mail trims the ends of a value.
		if err != nil || got != strings.TrimSpace(want) {
			t.Errorf("%s decodes to %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestMessageID(t *testing.T) {
	for key, want := range map[string]string{
		"fu-042462d100d14f7c5a6ee3b974a7ca24-email": "fu-042462d100d14f7c5a6ee3b974a7ca24-email",
		"a.b+c":                  "a.b+c",
		"has space":              "",
		"<angle>":                "",
		"dot..dot":               "",
		".lead":                  "",
		"키":                      "",
		strings.Repeat("k", 300): "",
	} {
		got := messageIDLeft(key)
		if want != "" && got != want {
			t.Errorf("messageIDLeft(%q) = %q, want %q", key, got, want)
		}
		if want == "" && (!strings.HasPrefix(got, "k-") || got != messageIDLeft(key)) {
			t.Errorf("messageIDLeft(%q) = %q, want a stable hash", key, got)
		}
		if !isDotAtom(got) {
			t.Errorf("messageIDLeft(%q) = %q: not a dot-atom", key, got)
		}
		id, err := mail.ParseAddress("<" + got + "@acme.example>")
		if err != nil || id.Address != got+"@acme.example" {
			t.Errorf("Message-ID <%s@acme.example> does not parse: %v", got, err)
		}
	}
	if a, b := messageIDLeft(""), messageIDLeft(""); a == b || !isDotAtom(a) {
		t.Errorf("an empty key gives %q and %q, want different random ids", a, b)
	}
}

func TestMessageIDDomain(t *testing.T) {
	for _, tc := range []struct{ from, hostname, want string }{
		{"support@acme.example", "", "acme.example"},
		{"support@[192.0.2.1]", "app.acme.example", "app.acme.example"},
		{"support@[192.0.2.1]", "", "localhost"},
	} {
		s, err := New(Config{Addr: "smtp.example.com:587", From: tc.from, Hostname: tc.hostname})
		if err != nil {
			t.Fatal(err)
		}
		if s.domain != tc.want {
			t.Errorf("From %s, Hostname %q: domain %q, want %q", tc.from, tc.hostname, s.domain, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"<minji.kim@example.com>: Recipient address rejected: User unknown",
			"[address] Recipient address rejected: User unknown"},
		{"mailbox MINJI.KIM unknown\nsecond line", "mailbox [address] unknown second line"},
		{"Requested action not taken: mailbox unavailable", "Requested action not taken: mailbox unavailable"},
	} {
		if got := redact(tc.text, "support@acme.example", customer); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	long := redact(strings.Repeat("가", 300))
	if len(long) > maxReplyText+len("…") || !strings.HasSuffix(long, "…") || !strings.HasPrefix(long, "가") {
		t.Errorf("a long text is cut to %d bytes: %q", len(long), long)
	}
	// A short local part is left alone: it would blank out ordinary words.
	if got := redact("no such user", "a@x.example"); got != "no such user" {
		t.Errorf("got %q", got)
	}
}

func TestSplitEnhanced(t *testing.T) {
	for msg, want := range map[string][2]string{
		"5.1.1 User unknown":   {"5.1.1", "User unknown"},
		"4.7.0 Try again":      {"4.7.0", "Try again"},
		"2.0.0 OK":             {"2.0.0", "OK"},
		"User unknown":         {"", "User unknown"},
		"1.2.3 not a class":    {"", "1.2.3 not a class"},
		"5.1 too short":        {"", "5.1 too short"},
		"5.1.1234 too long":    {"", "5.1.1234 too long"},
		"5.a.1 not a number":   {"", "5.a.1 not a number"},
		"5.1.1":                {"5.1.1", ""},
		"mx.example.com ready": {"", "mx.example.com ready"},
	} {
		code, rest := splitEnhanced(msg)
		if code != want[0] || rest != want[1] {
			t.Errorf("splitEnhanced(%q) = %q, %q; want %q, %q", msg, code, rest, want[0], want[1])
		}
	}
}
