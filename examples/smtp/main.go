// Command smtp sends a follow-up email over SMTP with a notify.EmailSender
// built on net/smtp, and shows what the mail server received.
//
//	cd examples/smtp && go run .
//
// It starts an SMTP server in this process, on loopback, that offers
// STARTTLS with a fresh self-signed certificate and wants AUTH PLAIN; renders
// a follow-up in Korean with the library's built-in templates; sends it; and
// prints the message as it arrived, then its parts decoded. The sender
// (sender.go, message.go, errors.go) is what a host copies; server.go is
// only the stand-in for the host's mail provider.
//
// The example is its own module, so that the library does not depend on the
// SMTP server it uses (github.com/emersion/go-smtp).
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "smtp:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	quote := func(text string) {
		for line := range strings.Lines(strings.TrimRight(text, "\r\n")) {
			say("     | %s", strings.TrimRight(line, "\r\n"))
		}
	}

	// The mail provider: a real SMTP server, in this process.
	serverTLS, roots, err := selfSignedTLS()
	if err != nil {
		return err
	}
	server, err := startMailServer(serverOptions{
		TLS:   serverTLS,
		Users: map[string]string{"followup": "s3cret"},
	})
	if err != nil {
		return err
	}
	defer server.Close()
	say("1. An SMTP server listens on %s: STARTTLS (self-signed certificate), AUTH PLAIN.", server.Addr)

	// The host's sender.
	sender, err := New(Config{
		Addr:      server.Addr,
		From:      "에이크미 고객센터 <support@acme.example>",
		Hostname:  "app.acme.example",
		STARTTLS:  true,
		TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		Auth:      &Auth{Username: "followup", Password: "s3cret"},
		Timeout:   10 * time.Second,
		Unsubscribe: func(m notify.Email) string {
			return "https://acme.example/follow-ups/stop?k=" + m.Key
		},
	})
	if err != nil {
		return err
	}

	// The follow-up, rendered in Korean by the library. The agent's reply
	// holds markup, which the HTML template escapes.
	var renderer followup.Renderer
	content, err := renderer.Render("ko", "ko", followup.RenderData{
		Workspace:    "에이크미",
		CustomerName: "김민지",
		Replies: []followup.Reply{{
			ID: "r-7", Author: "이수진",
			Text: "주문하신 <무선 키보드> 는 내일 출고됩니다. 송장 번호는 문자 & 이메일로 보내 드릴게요.",
		}},
		Link: "https://acme.example/chat/c-1042",
	})
	if err != nil {
		return err
	}
	key := followup.Key{Conversation: "c-1042", Reply: "r-7"}.For(notify.ChannelEmail)
	m := notify.Email{
		Key:     key,
		To:      "minji.kim@example.com",
		ReplyTo: "에이크미 고객센터 <help@acme.example>",
		Subject: content.EmailSubject,
		Text:    content.EmailText,
		HTML:    content.EmailHTML,
	}
	say("2. The agent answered while the customer was away. The follow-up email:")
	say("   key %s, to %s, subject %q", m.Key, followup.MaskEmail(m.To), m.Subject)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sender.SendEmail(ctx, m); err != nil {
		return err
	}
	say("3. Sent. The server accepted it.")

	got := server.Messages()
	if len(got) != 1 {
		return fmt.Errorf("the server holds %d messages, want 1", len(got))
	}
	rm := got[0]
	masked := make([]string, len(rm.To))
	for i, to := range rm.To {
		masked[i] = followup.MaskEmail(to)
	}
	say("4. What arrived: envelope from %s to %s, over TLS: %t, logged in as %q. Its header:",
		rm.From, strings.Join(masked, ", "), rm.TLS, rm.User)
	header, _, _ := bytes.Cut(rm.Data, []byte("\r\n\r\n"))
	quote(string(header))

	pm, err := parseMail(rm.Data)
	if err != nil {
		return err
	}
	say("5. Decoded: subject %q, %s with %d parts.", pm.Subject, pm.Type, len(pm.Parts))
	for i, p := range pm.Parts {
		say("   part %d: %s; charset=%s, %s, %d bytes", i+1, p.Type, p.Charset, p.Encoding, len(p.Body))
		if p.Type == "text/html" {
			say("   the reply in the HTML, escaped:")
			for line := range strings.Lines(p.Body) {
				if strings.Contains(line, "무선 키보드") {
					quote(strings.TrimSpace(line))
				}
			}
			continue
		}
		quote(p.Body)
	}

	// A job that fires twice sends twice, under one Message-ID.
	if err := sender.SendEmail(ctx, m); err != nil {
		return err
	}
	again, err := parseMail(server.Messages()[1].Data)
	if err != nil {
		return err
	}
	say("6. Sent again, as a retried job would: same Message-ID %s: %t.",
		pm.Header.Get("Message-ID"), again.Header.Get("Message-ID") == pm.Header.Get("Message-ID"))
	return nil
}

// A parsedMail is a received message, decoded.
type parsedMail struct {
	Header  mail.Header
	Subject string // decoded
	Type    string // the media type, such as "multipart/alternative"
	Parts   []mailPart
}

// A mailPart is a text part of a message, decoded.
type mailPart struct {
	Type, Charset string
	Encoding      string // its Content-Transfer-Encoding
	Body          string // decoded, line breaks as they were sent (CRLF)
}

// parseMail decodes a message: its subject, and its text parts, whether it
// is one part or multipart.
func parseMail(data []byte) (parsedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return parsedMail{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return parsedMail{}, fmt.Errorf("subject: %w", err)
	}
	pm := parsedMail{Header: msg.Header, Subject: subject}
	typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return parsedMail{}, fmt.Errorf("content type: %w", err)
	}
	pm.Type = typ
	if !strings.HasPrefix(typ, "multipart/") {
		p, err := decodePart(typ, params, msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		if err != nil {
			return parsedMail{}, err
		}
		pm.Parts = []mailPart{p}
		return pm, nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return pm, nil
		}
		if err != nil {
			return parsedMail{}, err
		}
		typ, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			return parsedMail{}, fmt.Errorf("part content type: %w", err)
		}
		p, err := decodePart(typ, params, part.Header.Get("Content-Transfer-Encoding"), part)
		if err != nil {
			return parsedMail{}, err
		}
		pm.Parts = append(pm.Parts, p)
	}
}

func decodePart(typ string, params map[string]string, cte string, r io.Reader) (mailPart, error) {
	p := mailPart{Type: typ, Charset: params["charset"], Encoding: strings.ToLower(cte)}
	switch p.Encoding {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // skips the line breaks
	case "", "7bit", "8bit":
	default:
		return mailPart{}, fmt.Errorf("unknown transfer encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return mailPart{}, fmt.Errorf("%s part: %w", typ, err)
	}
	p.Body = string(b)
	return p, nil
}
