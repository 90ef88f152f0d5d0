package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/followup-go/followup/notify"
)

// The message format, RFC 5322 and MIME (RFC 2045-2047, 2369, 8058):
//
//   - Date, From, To, Reply-To (when given), Subject, Message-ID,
//     MIME-Version; then List-Unsubscribe and List-Unsubscribe-Post; then
//     the message's other Headers, by name.
//   - Subject, display names and the values of other headers that are not
//     plain ASCII are RFC 2047 encoded words (B encoding, UTF-8). Long
//     header lines are folded at spaces to 76 characters where the words
//     allow, and never exceed 998.
//   - Text and HTML: multipart/alternative, the text part first, so clients
//     that show HTML prefer the last. Only one of them: a single part.
//     Both are UTF-8, with CRLF line breaks, quoted-printable when mostly
//     ASCII and base64 otherwise (Korean text is a third the size in
//     base64), so the message is 7-bit and lines stay under 77 characters.
//   - Message-ID is <Key@domain>, domain being the Sender's From's, so a
//     retry of the same message has the same Message-ID. A Key that is not
//     a dot-atom is hashed; an empty Key gets a random id.

// reserved are the headers the sender writes itself: a message's Headers
// may not hold them.
var reserved = map[string]bool{
	"Date": true, "From": true, "Sender": true, "To": true, "Cc": true, "Bcc": true,
	"Reply-To": true, "Subject": true, "Message-Id": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Return-Path": true,
}

// compose returns m as a message with CRLF line breaks, and its envelope.
func (s *Sender) compose(m notify.Email, now time.Time) ([]byte, envelope, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, envelope{}, fmt.Errorf("smtp: recipient: %w", ErrBadAddress)
	}
	from := s.from
	if m.From != "" {
		if from, err = mail.ParseAddress(m.From); err != nil {
			return nil, envelope{}, fmt.Errorf("smtp: From: %w", ErrBadAddress)
		}
	}
	var replyTo []*mail.Address
	if m.ReplyTo != "" {
		if replyTo, err = mail.ParseAddressList(m.ReplyTo); err != nil {
			return nil, envelope{}, fmt.Errorf("smtp: Reply-To: %w", ErrBadAddress)
		}
	}

	var h headerWriter
	h.add("Date", now.Format(time.RFC1123Z))
	h.add("From", formatAddresses(room("From"), from))
	h.add("To", formatAddresses(room("To"), to))
	if len(replyTo) > 0 {
		h.add("Reply-To", formatAddresses(room("Reply-To"), replyTo...))
	}
	h.add("Subject", encodeText(m.Subject, room("Subject")))
	h.add("Message-ID", "<"+messageIDLeft(m.Key)+"@"+s.domain+">")
	h.add("MIME-Version", "1.0")

	// The message's own headers, by canonical name.
	extra := make(map[string]string, len(m.Headers))
	for k, v := range m.Headers {
		name := textproto.CanonicalMIMEHeaderKey(k)
		if reserved[name] {
			return nil, envelope{}, fmt.Errorf("smtp: header %s is the sender's to write: %w", name, notify.ErrBadHeader)
		}
		if _, dup := extra[name]; dup {
			return nil, envelope{}, fmt.Errorf("smtp: header %s given twice: %w", name, notify.ErrBadHeader)
		}
		extra[name] = v
	}
	unsub, ok := extra["List-Unsubscribe"]
	delete(extra, "List-Unsubscribe")
	if !ok && s.cfg.Unsubscribe != nil {
		unsub = s.cfg.Unsubscribe(m)
	}
	if unsub != "" {
		value, oneClick, err := listUnsubscribe(unsub)
		if err != nil {
			return nil, envelope{}, err
		}
		h.add("List-Unsubscribe", value)
		if _, given := extra["List-Unsubscribe-Post"]; oneClick && !given {
			h.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		h.add(name, encodeText(extra[name], room(name)))
	}

	// The body.
	var body bytes.Buffer
	switch {
	case m.Text != "" && m.HTML != "":
		mw := multipart.NewWriter(&body)
		h.add("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
		for _, p := range []struct{ typ, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
			cte, enc := encodeBody(p.content)
			pw, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.typ + "; charset=UTF-8"},
				"Content-Transfer-Encoding": {cte},
			})
			if err != nil {
				return nil, envelope{}, err
			}
			pw.Write(enc)
		}
		if err := mw.Close(); err != nil {
			return nil, envelope{}, err
		}
	default:
		typ, content := "text/plain", m.Text
		if content == "" {
			typ, content = "text/html", m.HTML
		}
		cte, enc := encodeBody(content)
		h.add("Content-Type", typ+"; charset=UTF-8")
		h.add("Content-Transfer-Encoding", cte)
		body.Write(enc)
	}
	if h.err != nil {
		return nil, envelope{}, h.err
	}

	msg := append(h.buf.Bytes(), "\r\n"...)
	msg = append(msg, body.Bytes()...)
	return msg, envelope{from: s.from.Address, to: to.Address}, nil
}

// maxLine is the longest line RFC 5322 allows, without its CRLF; foldAt is
// the length lines keep to where they can: RFC 5322 asks for 78, RFC 2047
// for 76 on lines holding encoded words.
const (
	maxLine = 998
	foldAt  = 76
)

// room returns how much of the first line of the field name is left for
// its value.
func room(name string) int { return foldAt - len(name) - len(": ") }

// A headerWriter writes header fields, folded, and remembers the first
// field too long to fold.
type headerWriter struct {
	buf bytes.Buffer
	err error
}

// add writes the field name: value, folding it before spaces so that lines
// keep to foldAt where the words allow; a line no fold can bring under
// maxLine is an error.
func (h *headerWriter) add(name, value string) {
	line := name + ":"
	first := true
	for rest := " " + value; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] == ' ' {
			i++
		}
		j := i
		for j < len(rest) && rest[j] != ' ' {
			j++
		}
		word := rest[:j] // its leading spaces, then the word
		rest = rest[j:]
		if !first && j > i && len(line)+len(word) > foldAt {
			h.end(name, line)
			line = ""
		}
		line += word
		if j > i {
			first = false
		}
	}
	h.end(name, line)
}

func (h *headerWriter) end(name, line string) {
	if len(line) > maxLine && h.err == nil {
		h.err = fmt.Errorf("smtp: header %s has a line over %d characters: %w", name, maxLine, notify.ErrBadHeader)
	}
	h.buf.WriteString(line)
	h.buf.WriteString("\r\n")
}

// encodeText returns s as an unstructured header value: s itself if it is
// printable ASCII and holds nothing a decoder would take for an encoded
// word, and RFC 2047 encoded words otherwise, the first at most room
// characters long (see [encodeWords]).
func encodeText(s string, room int) string {
	if isPlain(s) {
		return s
	}
	return encodeWords(s, room)
}

// isPlain reports whether s can stand in a header as it is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && (c < ' ' || c >= 0x7f) {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}

// encodeWords returns s as RFC 2047 encoded words in B encoding, split
// between runes, separated by spaces, which decoders drop between encoded
// words. A word is at most 72 characters, so a folded line holding one
// stays within RFC 2047's 76; the first is at most room characters, if room
// leaves space for a useful word, so it fits after the field's name.
// (mime.BEncoding writes such words too, but leaves an ASCII s as it is.)
func encodeWords(s string, room int) string {
	const (
		overhead = len("=?UTF-8?B?") + len("?=")
		chunk    = 45 // bytes of UTF-8 per word: 60 characters of base64
	)
	n := chunk
	if r := (room - overhead) / 4 * 3; r >= 12 && r < chunk {
		n = r
	}
	var words []string
	for s != "" {
		n = min(n, len(s))
		for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		if n == 0 { // not UTF-8: take the bytes as they come
			n = min(len(s), chunk)
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
		n = chunk
	}
	return strings.Join(words, " ")
}

// formatAddresses returns addresses as a header value, display names that
// are not ASCII in encoded words, the first at most room characters long.
func formatAddresses(room int, addrs ...*mail.Address) string {
	list := make([]string, len(addrs))
	for i, a := range addrs {
		bare := (&mail.Address{Address: a.Address}).String() // quotes the local part if it must
		switch {
		case a.Name == "":
			list[i] = bare
		case isPlain(a.Name):
			list[i] = a.String()
		default:
			// net/mail would encode it too, in words up to 75 characters.
			list[i] = encodeWords(a.Name, room) + " " + bare
		}
		room = 0
	}
	return strings.Join(list, ", ")
}

// encodeBody returns a text part's transfer encoding and its content so
// encoded, with CRLF line breaks.
func encodeBody(s string) (string, []byte) {
	s = crlf(s)
	nonASCII := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			nonASCII++
		}
	}
	var b bytes.Buffer
	// Quoted-printable costs 3 bytes per non-ASCII byte, base64 4 per 3
	// bytes of anything: quoted-printable is shorter below about 1 in 5.
	if nonASCII*4 < len(s)-nonASCII {
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			// Text that does not end with a line break ends with a soft
			// one, so that the line break SMTP puts before the end of the
			// data is not taken for part of the text.
			b.WriteString("=\r\n")
		}
		return "quoted-printable", b.Bytes()
	}
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	return "base64", b.Bytes()
}

// crlf returns s with every line break (CRLF, LF or a lone CR) as CRLF,
// the canonical form of text in MIME.
func crlf(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// messageIDLeft returns the Message-ID's part before the '@': the key if it
// is a dot-atom, a hash of it otherwise, and random if it is empty.
func messageIDLeft(key string) string {
	switch {
	case key == "":
		var b [16]byte
		rand.Read(b[:])
		return "r-" + hex.EncodeToString(b[:])
	case isDotAtom(key) && len(key) <= 200:
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "k-" + hex.EncodeToString(sum[:16])
}

// isDotAtom reports whether s is an RFC 5322 dot-atom-text: atext runs
// joined by single dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0) {
			return false
		}
	}
	return true
}

// listUnsubscribe returns a List-Unsubscribe value (RFC 2369) for v: its
// URIs in angle brackets, comma separated, and whether one is https, which
// allows one-click unsubscription (RFC 8058). Only https, http and mailto
// URIs, in ASCII, are taken.
func listUnsubscribe(v string) (string, bool, error) {
	var uris []string
	oneClick := false
	for u := range strings.SplitSeq(v, ",") {
		u = strings.TrimSpace(u)
		u = strings.TrimSuffix(strings.TrimPrefix(u, "<"), ">")
		bad := u == ""
		for i := 0; i < len(u) && !bad; i++ {
			bad = u[i] <= ' ' || u[i] >= 0x7f || u[i] == '<' || u[i] == '>'
		}
		parsed, err := url.Parse(u)
		if bad || err != nil {
			return "", false, fmt.Errorf("smtp: List-Unsubscribe: not an ASCII URI: %w", notify.ErrBadHeader)
		}
		switch strings.ToLower(parsed.Scheme) {
		case "https":
			oneClick = true
		case "http", "mailto":
		default:
			return "", false, fmt.Errorf("smtp: List-Unsubscribe: want https, http or mailto URIs: %w", notify.ErrBadHeader)
		}
		uris = append(uris, "<"+u+">")
	}
	return strings.Join(uris, ", "), oneClick, nil
}
