package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

const (
	customer = "minji.kim@example.com"
	subject  = "[에이크미] 문의하신 내용에 답변이 도착했습니다"
	text     = "안녕하세요, 김민지님.\n\n이수진: 주문하신 <무선 키보드> 는 내일 출고됩니다.\n.\nFrom here on, 송장 번호는 문자 & 이메일로 보내 드릴게요.\n"
	html     = "<!DOCTYPE html>\n<p>안녕하세요, 김민지님.</p>\n<p><strong>이수진</strong><br>주문하신 &lt;무선 키보드&gt; 는 내일 출고됩니다. 문자 &amp; 이메일</p>\n"
)

// followUp returns the email the tests send: Korean, text and HTML.
func followUp() notify.Email {
	return notify.Email{
		Key:     "fu-042462d100d14f7c5a6ee3b974a7ca24-email",
		To:      customer,
		ReplyTo: "에이크미 고객센터 <help@acme.example>",
		Subject: subject,
		Text:    text,
		HTML:    html,
	}
}

func newServer(t *testing.T, o serverOptions) *mailServer {
	t.Helper()
	s, err := startMailServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newSender returns a sender for the server at addr, with cfg's other
// settings.
func newSender(t *testing.T, addr string, cfg Config) *Sender {
	t.Helper()
	cfg.Addr = addr
	if cfg.From == "" {
		cfg.From = "에이크미 <support@acme.example>"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// send sends m and returns the error.
func send(s *Sender, m notify.Email) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.SendEmail(ctx, m)
}

// last returns the message the server received last, decoded.
func last(t *testing.T, s *mailServer) (receivedMail, parsedMail) {
	t.Helper()
	got := s.Messages()
	if len(got) == 0 {
		t.Fatal("the server received nothing")
	}
	rm := got[len(got)-1]
	pm, err := parseMail(rm.Data)
	if err != nil {
		t.Fatalf("parsing what arrived: %v\n%s", err, rm.Data)
	}
	return rm, pm
}

// lf returns s with CRLF line breaks as LF: the sender sends text with
// CRLF, MIME's canonical form, and mail clients turn it back.
func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func TestSendMultipart(t *testing.T) {
	srv := newServer(t, serverOptions{})
	s := newSender(t, srv.Addr, Config{})
	m := followUp()
	m.Headers = map[string]string{"List-Unsubscribe": "https://acme.example/stop?k=1, mailto:stop@acme.example"}
	if err := send(s, m); err != nil {
		t.Fatal(err)
	}
	rm, pm := last(t, srv)

	if rm.From != "support@acme.example" || len(rm.To) != 1 || rm.To[0] != customer {
		t.Errorf("envelope: from %q to %q, want support@acme.example to %s", rm.From, rm.To, customer)
	}
	if pm.Type != "multipart/alternative" || len(pm.Parts) != 2 {
		t.Fatalf("got %s with %d parts, want multipart/alternative with 2", pm.Type, len(pm.Parts))
	}
	for i, want := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		p := pm.Parts[i]
		if p.Type != want.typ || !strings.EqualFold(p.Charset, "utf-8") {
			t.Errorf("part %d: %s; charset=%s, want %s; charset=UTF-8", i+1, p.Type, p.Charset, want.typ)
		}
		if p.Encoding != "base64" && p.Encoding != "quoted-printable" {
			t.Errorf("part %d: transfer encoding %q", i+1, p.Encoding)
		}
		if got := lf(p.Body); got != want.body {
			t.Errorf("part %d decodes to\n%q\nwant\n%q", i+1, got, want.body)
		}
	}
	if pm.Subject != subject {
		t.Errorf("subject decodes to %q, want %q", pm.Subject, subject)
	}
	wantID := "<" + m.Key + "@acme.example>"
	if got := pm.Header.Get("Message-ID"); got != wantID {
		t.Errorf("Message-ID %q, want %q", got, wantID)
	}
	if got, err := pm.Header.AddressList("Reply-To"); err != nil || len(got) != 1 ||
		got[0].Address != "help@acme.example" || got[0].Name != "에이크미 고객센터" {
		t.Errorf("Reply-To: %v, %v", got, err)
	}
	if got, err := pm.Header.AddressList("From"); err != nil || len(got) != 1 ||
		got[0].Address != "support@acme.example" || got[0].Name != "에이크미" {
		t.Errorf("From: %v, %v", got, err)
	}
	if got, err := pm.Header.AddressList("To"); err != nil || len(got) != 1 || got[0].Address != customer {
		t.Errorf("To: %v, %v", got, err)
	}
	if _, err := pm.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	for name, want := range map[string]string{
		"MIME-Version":          "1.0",
		"List-Unsubscribe":      "<https://acme.example/stop?k=1>, <mailto:stop@acme.example>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	} {
		if got := pm.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	checkWire(t, rm.Data)

	// A retry is the same message, under the same Message-ID.
	if err := send(s, m); err != nil {
		t.Fatal(err)
	}
	if _, pm2 := last(t, srv); pm2.Header.Get("Message-ID") != wantID {
		t.Errorf("second send: Message-ID %q, want %q", pm2.Header.Get("Message-ID"), wantID)
	}
}

// checkWire checks that a message is 7-bit, with CRLF line breaks only, and
// lines of at most 998 characters.
func checkWire(t *testing.T, data []byte) {
	t.Helper()
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > maxLine {
			t.Errorf("line %d is %d characters long", i+1, len(line))
		}
		for j := 0; j < len(line); j++ {
			if c := line[j]; c >= 0x80 || c == '\r' || c == '\n' || c == 0 {
				t.Errorf("line %d has byte %#x at %d", i+1, c, j)
				break
			}
		}
	}
}

func TestSendSinglePart(t *testing.T) {
	srv := newServer(t, serverOptions{})
	s := newSender(t, srv.Addr, Config{})
	for _, tc := range []struct {
		name, text, html, typ string
	}{
		{"text only", text, "", "text/plain"},
		{"HTML only", "", html, "text/html"},
		{"English text", "Your order ships tomorrow.\nThanks!", "", "text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := followUp()
			m.Text, m.HTML = tc.text, tc.html
			if err := send(s, m); err != nil {
				t.Fatal(err)
			}
			rm, pm := last(t, srv)
			if pm.Type != tc.typ || len(pm.Parts) != 1 {
				t.Fatalf("got %s with %d parts, want a single %s", pm.Type, len(pm.Parts), tc.typ)
			}
			if !strings.EqualFold(pm.Parts[0].Charset, "utf-8") {
				t.Errorf("charset %q", pm.Parts[0].Charset)
			}
			if got := lf(pm.Parts[0].Body); got != tc.text+tc.html {
				t.Errorf("body decodes to %q, want %q", got, tc.text+tc.html)
			}
			checkWire(t, rm.Data)
		})
	}
}

func TestListUnsubscribe(t *testing.T) {
	srv := newServer(t, serverOptions{})
	hook := func(m notify.Email) string { return "https://acme.example/stop?k=" + m.Key }
	for _, tc := range []struct {
		name      string
		headers   map[string]string
		hook      func(notify.Email) string
		want      string
		oneClick  bool
		extraName string // another header that must arrive
	}{
		{name: "none"},
		{name: "hook returns nothing", hook: func(notify.Email) string { return "" }},
		{name: "header, https", headers: map[string]string{"list-unsubscribe": "<https://acme.example/stop>"},
			want: "<https://acme.example/stop>", oneClick: true},
		{name: "header, mailto only", headers: map[string]string{"List-Unsubscribe": "mailto:stop@acme.example?subject=stop"},
			want: "<mailto:stop@acme.example?subject=stop>"},
		{name: "hook", hook: hook, want: "<https://acme.example/stop?k=fu-042462d100d14f7c5a6ee3b974a7ca24-email>", oneClick: true},
		{name: "header wins over hook", hook: hook, headers: map[string]string{"List-Unsubscribe": "mailto:stop@acme.example"},
			want: "<mailto:stop@acme.example>"},
		{name: "other headers pass", headers: map[string]string{"X-Followup-Workspace": "acme"}, extraName: "X-Followup-Workspace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSender(t, srv.Addr, Config{Unsubscribe: tc.hook})
			m := followUp()
			m.Headers = tc.headers
			if err := send(s, m); err != nil {
				t.Fatal(err)
			}
			rm, pm := last(t, srv)
			if got := pm.Header.Get("List-Unsubscribe"); got != tc.want {
				t.Errorf("List-Unsubscribe %q, want %q", got, tc.want)
			}
			if _, got := pm.Header["List-Unsubscribe"]; got != (tc.want != "") {
				t.Errorf("List-Unsubscribe present: %t, want %t", got, tc.want != "")
			}
			post := pm.Header.Get("List-Unsubscribe-Post")
			if (post == "List-Unsubscribe=One-Click") != tc.oneClick || (post != "" && !tc.oneClick) {
				t.Errorf("List-Unsubscribe-Post %q, want one-click %t", post, tc.oneClick)
			}
			if tc.extraName != "" && pm.Header.Get(tc.extraName) == "" {
				t.Errorf("header %s did not arrive:\n%s", tc.extraName, rm.Data)
			}
		})
	}
}

// refuse returns a Rcpt hook that refuses every recipient with code, echoing
// the address as servers do.
func refuse(code int, enhanced gosmtp.EnhancedCode, text string) func(string) error {
	return func(to string) error {
		return &gosmtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: "<" + to + ">: " + text}
	}
}

func TestRcptRefused(t *testing.T) {
	for _, tc := range []struct {
		code      int
		enhanced  gosmtp.EnhancedCode
		text      string
		permanent bool
	}{
		{550, gosmtp.EnhancedCode{5, 1, 1}, "Recipient address rejected: User unknown in local recipient table", true},
		{553, gosmtp.EnhancedCode{5, 1, 3}, "bad destination mailbox address syntax", true},
		{451, gosmtp.EnhancedCode{4, 3, 0}, "temporary local problem, try again", false},
		{421, gosmtp.EnhancedCode{4, 7, 0}, "too many messages, slow down", false},
		{452, gosmtp.EnhancedCode{4, 5, 3}, "too many recipients", false},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			srv := newServer(t, serverOptions{Rcpt: refuse(tc.code, tc.enhanced, tc.text)})
			s := newSender(t, srv.Addr, Config{})
			err := send(s, followUp())
			if err == nil {
				t.Fatal("refused, yet no error")
			}
			if notify.IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %t, want %t: %v", notify.IsPermanent(err), tc.permanent, err)
			}
			if notify.IsRateLimited(err) {
				t.Errorf("rate limited, want plain transient or permanent: %v", err)
			}
			var re *ReplyError
			if !errors.As(err, &re) {
				t.Fatalf("%v is not a *ReplyError", err)
			}
			wantEnh := fmt.Sprintf("%d.%d.%d", tc.enhanced[0], tc.enhanced[1], tc.enhanced[2])
			if re.Step != "RCPT" || re.Code != tc.code || re.Enhanced != wantEnh {
				t.Errorf("got step %s, code %d, enhanced %q; want RCPT, %d, %s", re.Step, re.Code, re.Enhanced, tc.code, wantEnh)
			}
			checkPrivate(t, err)
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q lost the server's reason %q", err, tc.text)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("the server holds %d messages", n)
			}
		})
	}
}

// checkPrivate fails if err's text holds the customer's address, its local
// part, or the message.
func checkPrivate(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := strings.ToLower(err.Error())
	for _, secret := range []string{customer, "minji.kim", "김민지", "무선 키보드", "s3cret"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q holds %q", err, secret)
		}
	}
}

func TestContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		srv := newServer(t, serverOptions{})
		s := newSender(t, srv.Addr, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.SendEmail(ctx, followUp()); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if n := srv.Sessions(); n != 0 {
			t.Errorf("the sender connected %d times", n)
		}
	})

	// A server stuck at RCPT: the sender must notice ctx and return.
	stuck := func(t *testing.T) (srv *mailServer, entered chan struct{}) {
		entered = make(chan struct{}, 10)
		release := make(chan struct{})
		srv = newServer(t, serverOptions{Rcpt: func(string) error {
			entered <- struct{}{}
			<-release
			return nil
		}})
		t.Cleanup(func() { close(release) }) // before the server closes
		return srv, entered
	}
	t.Run("cancelled during", func(t *testing.T) {
		srv, entered := stuck(t)
		s := newSender(t, srv.Addr, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.SendEmail(ctx, followUp()) }()
		<-entered
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || notify.IsPermanent(err) {
				t.Errorf("got %v, want a transient error wrapping context.Canceled", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("SendEmail did not return after its context was cancelled")
		}
	})
	t.Run("deadline", func(t *testing.T) {
		srv, _ := stuck(t)
		s := newSender(t, srv.Addr, Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := s.SendEmail(ctx, followUp()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("returned after %v", d)
		}
	})
	t.Run("Config.Timeout", func(t *testing.T) {
		srv, _ := stuck(t)
		s := newSender(t, srv.Addr, Config{Timeout: 200 * time.Millisecond})
		if err := s.SendEmail(context.Background(), followUp()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // nothing listens there now
	s := newSender(t, ln.Addr().String(), Config{})
	err = send(s, followUp())
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("connection refused: got %v, want a transient error", err)
	}
	checkPrivate(t, err)
}

func TestSTARTTLSAndAuth(t *testing.T) {
	serverTLS, roots, err := selfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{"followup": "s3cret"}
	trusted := &tls.Config{RootCAs: roots}
	good := &Auth{Username: "followup", Password: "s3cret"}

	t.Run("STARTTLS and AUTH PLAIN", func(t *testing.T) {
		srv := newServer(t, serverOptions{TLS: serverTLS, Users: users})
		s := newSender(t, srv.Addr, Config{STARTTLS: true, TLSConfig: trusted, Auth: good})
		if err := send(s, followUp()); err != nil {
			t.Fatal(err)
		}
		rm, pm := last(t, srv)
		if !rm.TLS || rm.User != "followup" {
			t.Errorf("arrived over TLS: %t, as %q; want TLS, as followup", rm.TLS, rm.User)
		}
		if pm.Subject != subject {
			t.Errorf("subject %q", pm.Subject)
		}
	})
	t.Run("STARTTLS without AUTH", func(t *testing.T) {
		srv := newServer(t, serverOptions{TLS: serverTLS})
		s := newSender(t, srv.Addr, Config{STARTTLS: true, TLSConfig: trusted})
		if err := send(s, followUp()); err != nil {
			t.Fatal(err)
		}
		if rm, _ := last(t, srv); !rm.TLS {
			t.Error("arrived without TLS")
		}
	})
	t.Run("implicit TLS", func(t *testing.T) {
		srv := newServer(t, serverOptions{TLS: serverTLS, ImplicitTLS: true, Users: users})
		s := newSender(t, srv.Addr, Config{ImplicitTLS: true, TLSConfig: trusted, Auth: good})
		if err := send(s, followUp()); err != nil {
			t.Fatal(err)
		}
		if rm, _ := last(t, srv); !rm.TLS || rm.User != "followup" {
			t.Errorf("arrived over TLS: %t, as %q", rm.TLS, rm.User)
		}
	})
	t.Run("insecure AUTH, allowed for tests", func(t *testing.T) {
		srv := newServer(t, serverOptions{Users: users, AllowInsecureAuth: true})
		s := newSender(t, srv.Addr, Config{Auth: good, AllowInsecureAuth: true})
		if err := send(s, followUp()); err != nil {
			t.Fatal(err)
		}
		if rm, _ := last(t, srv); rm.TLS || rm.User != "followup" {
			t.Errorf("arrived over TLS: %t, as %q; want no TLS, as followup", rm.TLS, rm.User)
		}
	})

	for _, tc := range []struct {
		name   string
		server serverOptions
		cfg    Config
		is     error // the error must wrap it, if set
		code   int   // the error must be a *ReplyError with this code, if set
	}{
		{name: "wrong password", server: serverOptions{TLS: serverTLS, Users: users},
			cfg:  Config{STARTTLS: true, TLSConfig: trusted, Auth: &Auth{Username: "followup", Password: "wrong"}},
			code: 535},
		{name: "no AUTH", server: serverOptions{TLS: serverTLS, Users: users},
			cfg:  Config{STARTTLS: true, TLSConfig: trusted},
			code: 502},
		{name: "untrusted certificate", server: serverOptions{TLS: serverTLS},
			cfg: Config{STARTTLS: true, TLSConfig: &tls.Config{RootCAs: x509.NewCertPool()}}},
		{name: "no STARTTLS offered", server: serverOptions{},
			cfg: Config{STARTTLS: true, TLSConfig: trusted, Auth: good}, is: ErrNoSTARTTLS},
		{name: "no AUTH offered without TLS", server: serverOptions{Users: users},
			cfg: Config{Auth: good, AllowInsecureAuth: true}, is: ErrNoAuthPlain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.server)
			s := newSender(t, srv.Addr, tc.cfg)
			err := send(s, followUp())
			if !notify.IsPermanent(err) {
				t.Errorf("got %v, want a permanent error", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got %v, want %v", err, tc.is)
			}
			var re *ReplyError
			if tc.code != 0 && (!errors.As(err, &re) || re.Code != tc.code) {
				t.Errorf("got %v, want a reply %d", err, tc.code)
			}
			checkPrivate(t, err)
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("the server holds %d messages", n)
			}
		})
	}
}

func TestNew(t *testing.T) {
	auth := &Auth{Username: "u", Password: "p"}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no port", Config{Addr: "smtp.example.com", From: "a@acme.example"}},
		{"no From", Config{Addr: "smtp.example.com:587"}},
		{"bad From", Config{Addr: "smtp.example.com:587", From: "acme"}},
		{"AUTH without TLS", Config{Addr: "smtp.example.com:587", From: "a@acme.example", Auth: auth}},
		{"both TLS modes", Config{Addr: "smtp.example.com:587", From: "a@acme.example", STARTTLS: true, ImplicitTLS: true}},
		{"no user name", Config{Addr: "smtp.example.com:587", From: "a@acme.example", STARTTLS: true, Auth: &Auth{Password: "p"}}},
		{"negative timeout", Config{Addr: "smtp.example.com:587", From: "a@acme.example", Timeout: -1}},
		{"line break in Hostname", Config{Addr: "smtp.example.com:587", From: "a@acme.example", Hostname: "a\r\nRCPT TO:<x@y>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("got %v, want ErrConfig", err)
			}
		})
	}
	for _, cfg := range []Config{
		{Addr: "smtp.example.com:587", From: "a@acme.example", STARTTLS: true, Auth: auth},
		{Addr: "smtp.example.com:465", From: "Acme <a@acme.example>", ImplicitTLS: true, Auth: auth},
		{Addr: "127.0.0.1:2525", From: "a@acme.example", Auth: auth, AllowInsecureAuth: true},
	} {
		if _, err := New(cfg); err != nil {
			t.Errorf("New(%+v): %v", cfg, err)
		}
	}
}

func TestAuthPrintsNoPassword(t *testing.T) {
	a := &Auth{Username: "followup", Password: "s3cret"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, *a); strings.Contains(got, "s3cret") || !strings.Contains(got, "followup") {
			t.Errorf("%s prints %q", verb, got)
		}
	}
}

func TestInvalidMessage(t *testing.T) {
	srv := newServer(t, serverOptions{})
	s := newSender(t, srv.Addr, Config{})
	for _, tc := range []struct {
		name string
		edit func(*notify.Email)
		is   error
	}{
		{"no recipient", func(m *notify.Email) { m.To = "" }, notify.ErrNoRecipient},
		{"no body", func(m *notify.Email) { m.Text, m.HTML = "", "" }, notify.ErrNoContent},
		{"header injection", func(m *notify.Email) { m.Headers = map[string]string{"X-A": "b\r\nBcc: " + customer} }, notify.ErrBadHeader},
		{"Bcc header", func(m *notify.Email) { m.Headers = map[string]string{"bcc": customer} }, notify.ErrBadHeader},
		{"Content-Type header", func(m *notify.Email) { m.Headers = map[string]string{"Content-Type": "text/plain"} }, notify.ErrBadHeader},
		{"header twice", func(m *notify.Email) { m.Headers = map[string]string{"X-A": "1", "x-a": "2"} }, notify.ErrBadHeader},
		{"unsubscribe not a URI", func(m *notify.Email) { m.Headers = map[string]string{"List-Unsubscribe": "click here"} }, notify.ErrBadHeader},
		{"unsubscribe javascript", func(m *notify.Email) { m.Headers = map[string]string{"List-Unsubscribe": "javascript:alert(1)"} }, notify.ErrBadHeader},
		{"unsubscribe too long", func(m *notify.Email) {
			m.Headers = map[string]string{"List-Unsubscribe": "https://acme.example/" + strings.Repeat("x", 1000)}
		}, notify.ErrBadHeader},
		{"malformed recipient", func(m *notify.Email) { m.To = "minji.kim at example.com" }, ErrBadAddress},
		{"two recipients", func(m *notify.Email) { m.To = customer + ", other@example.com" }, ErrBadAddress},
		{"malformed From", func(m *notify.Email) { m.From = "에이크미" }, ErrBadAddress},
		{"malformed Reply-To", func(m *notify.Email) { m.ReplyTo = "help@" }, ErrBadAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := followUp()
			tc.edit(&m)
			err := send(s, m)
			if !errors.Is(err, tc.is) || !notify.IsPermanent(err) {
				t.Errorf("got %v, want a permanent error wrapping %v", err, tc.is)
			}
			checkPrivate(t, err)
		})
	}
	if n := srv.Sessions(); n != 0 {
		t.Errorf("the sender connected %d times for messages it could not send", n)
	}
}

func TestConformance(t *testing.T) {
	// The server never answers RCPT for slow@: the sender must give up when
	// its context ends, not when the server does.
	release := make(chan struct{})
	srv := newServer(t, serverOptions{Rcpt: func(to string) error {
		switch {
		case strings.HasPrefix(to, "nobody@"):
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		case strings.HasPrefix(to, "slow@"):
			<-release
			return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 0, 0}, Message: "try again"}
		}
		return nil
	}})
	t.Cleanup(func() { close(release) }) // before the server closes
	s := newSender(t, srv.Addr, Config{})
	err := notifytest.CheckEmailSender(s, notifytest.Conformance[notify.Email]{
		Valid: func() notify.Email {
			m := followUp()
			m.Headers = map[string]string{"List-Unsubscribe": "https://acme.example/stop"}
			return m
		},
		InvalidRecipient: func() notify.Email {
			m := followUp()
			m.To = "nobody@example.com"
			return m
		},
		Blocking: func() notify.Email {
			m := followUp()
			m.To = "slow@example.com"
			return m
		},
	})
	if err != nil {
		t.Error(err)
	}
	// The valid message and the concurrent calls arrived; the cancelled,
	// blocked and refused ones did not.
	if got := len(srv.Messages()); got != 1+8 {
		t.Errorf("the server received %d messages, want 9", got)
	}
}

// TestMessageThroughServer sends text an SMTP session could mangle: lines
// that are a lone dot, a long line, mixed line breaks, and an ASCII body.
func TestMessageThroughServer(t *testing.T) {
	srv := newServer(t, serverOptions{})
	s := newSender(t, srv.Addr, Config{})
	long := strings.Repeat("가나다라마바사 ", 400) // one line of 8,800 bytes
	for _, body := range []string{
		".\n..\n.\n",
		"Your order ships tomorrow.\n.\nFrom the warehouse = fast; see =?UTF-8?B?eA==?=\n",
		long,
		strings.Repeat("abc ", 2000),
		"CRLF\r\nLF\nCR\rend",
	} {
		m := followUp()
		m.Text, m.HTML = body, "<p>"+body+"</p>"
		if err := send(s, m); err != nil {
			t.Fatal(err)
		}
		rm, pm := last(t, srv)
		checkWire(t, rm.Data)
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(body)
		if got := lf(pm.Parts[0].Body); got != want {
			t.Errorf("text decodes to %q, want %q", got, want)
		}
		if got := lf(pm.Parts[1].Body); got != "<p>"+want+"</p>" {
			t.Errorf("HTML decodes to %q, want %q", got, "<p>"+want+"</p>")
		}
	}
}

// TestAddresses checks the addresses' forms: display names, and a
// message's own From.
func TestAddresses(t *testing.T) {
	srv := newServer(t, serverOptions{})
	s := newSender(t, srv.Addr, Config{})
	m := followUp()
	m.From = `"에이크미 (Acme)" <workspace@acme.example>`
	m.To = "김민지 <" + customer + ">"
	m.ReplyTo = "help@acme.example, 이수진 <sujin@acme.example>"
	if err := send(s, m); err != nil {
		t.Fatal(err)
	}
	rm, pm := last(t, srv)
	if rm.From != "support@acme.example" || rm.To[0] != customer {
		t.Errorf("envelope from %q to %q: want the Sender's From and the bare recipient", rm.From, rm.To)
	}
	for name, want := range map[string][]mail.Address{
		"From":     {{Name: "에이크미 (Acme)", Address: "workspace@acme.example"}},
		"To":       {{Name: "김민지", Address: customer}},
		"Reply-To": {{Address: "help@acme.example"}, {Name: "이수진", Address: "sujin@acme.example"}},
	} {
		got, err := pm.Header.AddressList(name)
		if err != nil || len(got) != len(want) {
			t.Errorf("%s: %v, %v", name, got, err)
			continue
		}
		for i := range want {
			if *got[i] != want[i] {
				t.Errorf("%s[%d] = %v, want %v", name, i, *got[i], want[i])
			}
		}
	}
	// The Message-ID's domain is the Sender's, whatever the message's From.
	if got := pm.Header.Get("Message-ID"); got != "<"+m.Key+"@acme.example>" {
		t.Errorf("Message-ID %q", got)
	}
}
