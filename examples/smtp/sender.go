package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strings"
	"time"

	"github.com/followup-go/followup/notify"
)

// DefaultTimeout bounds one SendEmail when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config configures a [Sender].
type Config struct {
	// Addr is the SMTP server's host and port, such as
	// "smtp.example.com:587". Required.
	Addr string
	// From is the sender: an address, with or without a display name
	// ("Acme 고객지원 <support@acme.example>"). Required. It is the From of
	// every message whose own From is empty, and always the envelope sender
	// (MAIL FROM, where bounces go); its domain is the Message-ID's.
	From string
	// Hostname is the name the sender gives in EHLO. Empty means
	// "localhost"; a relay on the internet may want the host's fully
	// qualified name.
	Hostname string
	// STARTTLS upgrades the connection with STARTTLS before anything else
	// (submission, port 587). A server that does not offer it fails the send
	// permanently. False means the connection stays as it is.
	STARTTLS bool
	// ImplicitTLS speaks TLS from the first byte (submissions, port 465,
	// RFC 8314). Do not set it together with STARTTLS.
	ImplicitTLS bool
	// TLSConfig configures TLS. Nil means the system's roots, TLS 1.2 or
	// later, and the host of Addr as the server name; a config without a
	// ServerName gets that host too.
	TLSConfig *tls.Config
	// Auth, if set, logs in with AUTH PLAIN. It requires STARTTLS or
	// ImplicitTLS, unless AllowInsecureAuth is set.
	Auth *Auth
	// AllowInsecureAuth lets Auth send the password over a connection
	// without TLS. For tests against a server on loopback only.
	AllowInsecureAuth bool
	// Timeout bounds one SendEmail, from dialling to the server accepting
	// the message. Zero means [DefaultTimeout]. The context's deadline
	// applies too, whichever comes first.
	Timeout time.Duration
	// Unsubscribe, if set, returns the List-Unsubscribe value of a message
	// whose Headers have none: one or more URIs, comma separated, with or
	// without angle brackets ("https://acme.example/unsubscribe?t=...").
	// An empty result means the message has no List-Unsubscribe.
	Unsubscribe func(m notify.Email) string
}

// Auth is a user name and password for AUTH PLAIN. It prints without the
// password.
type Auth struct {
	Username, Password string
}

// String returns the user name and a mask instead of the password.
func (a Auth) String() string { return "{" + a.Username + " [password]}" }

// GoString returns the user name and a mask instead of the password.
func (a Auth) GoString() string {
	return fmt.Sprintf("main.Auth{Username:%q, Password:\"[password]\"}", a.Username)
}

// A Sender sends emails over SMTP: one connection per message, closed when
// the server has accepted it. It implements [notify.EmailSender] and is safe
// for concurrent use.
//
// # Errors
//
// A message a server could never take (no recipient, a malformed address, a
// header the sender writes itself) fails with [notify.Permanent] before any
// connection is made. A refusal by the server is a [*ReplyError]: a 5xx reply
// at any step (550 no such user at RCPT, 535 bad credentials at AUTH, 554 at
// DATA) is permanent, and a 4xx reply is transient, including 421 (service
// not available, often "too many connections" or "try again later") and 452
// (insufficient storage, too many recipients): both can be rate limits, but
// they give no retry-after, so the dispatcher's own backoff is the right
// wait; a host that wants to treat them otherwise reads the code with
// errors.As. A configuration that cannot work (no STARTTLS, no AUTH PLAIN, a
// certificate that does not verify) is permanent; a network failure is
// transient. Once ctx is done the error wraps ctx.Err().
//
// No error string holds the recipient's address or the message: a server's
// reply text is kept with every address in it blanked out.
//
// If ctx ends after the message's last line was sent but before the server
// replied, the message may have been delivered even though SendEmail fails;
// a retry then sends it again under the same Message-ID, by which mail
// clients may recognise it.
type Sender struct {
	cfg      Config
	host     string        // the host of Addr
	from     *mail.Address // Config.From
	domain   string        // the Message-ID's domain
	hostname string        // EHLO name
	tls      *tls.Config
}

// Errors of configuration and of the server's capabilities.
var (
	// ErrConfig: the Config cannot work.
	ErrConfig = errors.New("smtp: bad config")
	// ErrNoSTARTTLS: STARTTLS is required but the server does not offer it.
	ErrNoSTARTTLS = errors.New("smtp: the server does not offer STARTTLS")
	// ErrNoAuthPlain: Auth is set but the server does not offer AUTH PLAIN.
	ErrNoAuthPlain = errors.New("smtp: the server does not offer AUTH PLAIN")
	// ErrBadAddress: an address of the message does not parse.
	ErrBadAddress = errors.New("smtp: malformed address")
)

// New returns a Sender for cfg, or an error wrapping [ErrConfig].
func New(cfg Config) (*Sender, error) {
	bad := func(format string, args ...any) (*Sender, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return bad("Addr must be host:port")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return bad("From is not an address")
	}
	if cfg.STARTTLS && cfg.ImplicitTLS {
		return bad("STARTTLS and ImplicitTLS are exclusive")
	}
	if cfg.Auth != nil {
		if !cfg.STARTTLS && !cfg.ImplicitTLS && !cfg.AllowInsecureAuth {
			return bad("Auth needs STARTTLS or ImplicitTLS (or AllowInsecureAuth, for tests)")
		}
		if cfg.Auth.Username == "" || strings.ContainsRune(cfg.Auth.Username+cfg.Auth.Password, 0) {
			return bad("Auth needs a user name, and neither it nor the password may hold NUL")
		}
	}
	if cfg.Timeout < 0 {
		return bad("Timeout is negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Sender{cfg: cfg, host: host, from: from, hostname: cfg.Hostname}
	if s.hostname == "" {
		s.hostname = "localhost"
	}
	if err := validateLine(s.hostname); err != nil {
		return bad("Hostname: %v", err)
	}
	s.domain = domainOf(from.Address)
	if !isDotAtom(s.domain) {
		s.domain = s.hostname
		if !isDotAtom(s.domain) {
			s.domain = "localhost"
		}
	}
	if cfg.TLSConfig != nil {
		s.tls = cfg.TLSConfig.Clone()
	} else {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = host
	}
	return s, nil
}

// SendEmail sends m. See [Sender] for its errors.
func (s *Sender) SendEmail(ctx context.Context, m notify.Email) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("smtp: not sent: %w", err)
	}
	if err := m.Validate(); err != nil {
		return notify.Permanent(err)
	}
	msg, env, err := s.compose(m, time.Now())
	if err != nil {
		return notify.Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	return s.transmit(ctx, env, msg)
}

// An envelope is the addresses of the SMTP transaction.
type envelope struct {
	from, to string
}

// transmit runs one SMTP session that sends msg.
func (s *Sender) transmit(ctx context.Context, env envelope, msg []byte) error {
	fail := func(step string, err error) error { return s.classify(ctx, step, env, err) }

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fail("connect", err)
	}
	defer conn.Close()
	// Every read and write ends at ctx's deadline, and at once when ctx is
	// cancelled: net/smtp takes no context, the connection's deadline
	// stands in for it.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if s.cfg.ImplicitTLS {
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail("TLS", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fail("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.hostname); err != nil {
		return fail("EHLO", err)
	}
	if s.cfg.STARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fail("STARTTLS", notify.Permanent(ErrNoSTARTTLS))
		}
		if err := c.StartTLS(s.tls); err != nil {
			return fail("STARTTLS", err)
		}
	}
	if a := s.cfg.Auth; a != nil {
		if _, secure := c.TLSConnectionState(); !secure && !s.cfg.AllowInsecureAuth {
			return fail("AUTH", notify.Permanent(fmt.Errorf("%w: no TLS for the password", ErrConfig)))
		}
		ok, mechs := c.Extension("AUTH")
		if !ok || !slices.ContainsFunc(strings.Fields(mechs), func(m string) bool { return strings.EqualFold(m, "PLAIN") }) {
			return fail("AUTH", notify.Permanent(ErrNoAuthPlain))
		}
		if err := c.Auth(plainAuth{a.Username, a.Password}); err != nil {
			return fail("AUTH", err)
		}
	}
	if err := c.Mail(env.from); err != nil {
		return fail("MAIL", err)
	}
	if err := c.Rcpt(env.to); err != nil {
		return fail("RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil { // sends "." and reads the server's verdict
		return fail("DATA", err)
	}
	// The server took the message: a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// plainAuth is AUTH PLAIN (RFC 4616). Unlike smtp.PlainAuth it leaves the
// decision whether the connection is safe enough to [Sender.transmit].
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("smtp: unexpected AUTH PLAIN challenge")
	}
	return nil, nil
}

// validateLine refuses what would break an SMTP command line.
func validateLine(s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return errors.New("line break")
	}
	return nil
}

// domainOf returns the part of addr after its last '@'.
func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}
