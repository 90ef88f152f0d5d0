package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// A mailServer is an SMTP server inside this process that keeps every
// message it accepts: the stand-in for the host's mail provider, in the
// example and in the tests.
type mailServer struct {
	// Addr is where it listens, on loopback.
	Addr string

	opts serverOptions
	ln   net.Listener
	srv  *gosmtp.Server

	mu       sync.Mutex
	messages []receivedMail
	sessions int
}

// serverOptions configure a mailServer; the zero value accepts everything,
// without TLS or AUTH.
type serverOptions struct {
	// TLS, if set, is offered with STARTTLS, or spoken from the start if
	// ImplicitTLS is set.
	TLS         *tls.Config
	ImplicitTLS bool
	// Users, if set, are the user names and passwords AUTH PLAIN accepts,
	// and MAIL needs one of them logged in. AUTH is offered only over TLS
	// unless AllowInsecureAuth is set.
	Users             map[string]string
	AllowInsecureAuth bool
	// Rcpt, if set, decides every recipient: a *gosmtp.SMTPError is the
	// reply. It may block, as a slow server does.
	Rcpt func(to string) error
}

// A receivedMail is a message the server accepted.
type receivedMail struct {
	From string   // the envelope sender
	To   []string // the envelope recipients
	Data []byte   // the message, as sent
	TLS  bool     // whether it came over TLS
	User string   // who logged in, if anyone did
}

// startMailServer starts a server on 127.0.0.1 at a free port.
func startMailServer(o serverOptions) (*mailServer, error) {
	var ln net.Listener
	var err error
	if o.ImplicitTLS {
		if o.TLS == nil {
			return nil, errors.New("mail server: ImplicitTLS needs TLS")
		}
		ln, err = tls.Listen("tcp", "127.0.0.1:0", o.TLS)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, err
	}
	s := &mailServer{Addr: ln.Addr().String(), opts: o, ln: ln}
	s.srv = gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	s.srv.Domain = "mx.test"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.MaxRecipients = 10
	s.srv.AllowInsecureAuth = o.AllowInsecureAuth
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	if !o.ImplicitTLS {
		s.srv.TLSConfig = o.TLS
	}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server and closes its connections.
func (s *mailServer) Close() error {
	s.ln.Close() // in case Serve has not started yet
	return s.srv.Close()
}

// Messages returns the messages accepted so far.
func (s *mailServer) Messages() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.messages...)
}

// Sessions returns how many connections the server has had.
func (s *mailServer) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

func (s *mailServer) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &session{srv: s, conn: c}, nil
}

// A session is one SMTP connection; it implements gosmtp.AuthSession.
type session struct {
	srv  *mailServer
	conn *gosmtp.Conn
	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.Users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || s.srv.opts.Users == nil {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		want, ok := s.srv.opts.Users[user]
		if !ok || want != pass || identity != "" && identity != user {
			return gosmtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.srv.opts.Users != nil && s.user == "" {
		return gosmtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if f := s.srv.opts.Rcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.messages = append(s.srv.messages, receivedMail{
		From: s.from, To: append([]string(nil), s.to...), Data: data, TLS: isTLS, User: s.user,
	})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

// selfSignedTLS returns a server TLS config with a fresh self-signed
// certificate for 127.0.0.1, ::1 and localhost, and a pool that trusts it,
// for the sender's TLSConfig.RootCAs.
func selfSignedTLS() (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "in-process SMTP server"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	return cfg, roots, nil
}
