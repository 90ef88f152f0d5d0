package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// The example's bounds, which keep one client from filling the server's
// memory. A real host sets its own, and keeps chats in a database.
const (
	// maxChats is how many chats the server holds at once. When it is
	// full, opening a chat gets 503 until chats expire.
	maxChats = 1000
	// unadmittedTTL is how long a chat that never reached the inbox is
	// kept after it opened: under the gate, a customer who gave no usable
	// contact in that time is forgotten, as if they had left. Admitted
	// chats stay until the server stops.
	unadmittedTTL = 30 * time.Minute
	// maxCustomerMessages is how many messages a customer may write in one
	// chat; maxMessageChars bounds each of them, and maxReplyChars each of
	// the agent's replies (a follow-up carries them). Longer gets 413.
	maxCustomerMessages = 200
	maxMessageChars     = 2000
	maxReplyChars       = 4000
	// maxReplyBytes bounds the body of the console's reply form: 4,000
	// characters percent-encoded, with room to spare.
	maxReplyBytes = 64 << 10
)

// chat is one conversation as this host stores it.
type chat struct {
	id       string
	secret   string // the customer's key to the chat; see openChat
	opened   time.Time
	admitted bool // reached the agents' inbox
	answers  followup.ContactInput
	contact  followup.Contact
	locale   string
	messages []message
	written  int                   // how many of the messages the customer wrote
	conv     followup.Conversation // the snapshot the engine reads
}

// message is a line of the chat, as the pages show it.
type message struct {
	FromCustomer bool
	Author, Text string
	At           time.Time
}

// job is a scheduled follow-up step, keyed by the plan's key.
type job struct {
	chatID string
	plan   followup.Plan
	at     time.Time
}

// OutboxItem is a message the in-memory senders "sent".
type OutboxItem struct {
	Channel notify.Channel
	Key     string
	To      string // masked
	Subject string
	Text    string
}

// Server is the chat host: widget API, agent console, outbox. It keeps
// everything in memory and is safe for concurrent use.
type Server struct {
	settings followup.Settings
	account  followup.Account // the workspace's billing: a card on file
	engine   *followup.Engine
	now      func() time.Time
	https    bool // the secret cookies are Secure

	mu     sync.Mutex
	chats  map[string]*chat
	jobs   map[string]job
	outbox []OutboxItem
	// texts is the workspace's history of texts, for the send caps: every
	// send, and the sends to each phone number (E.164).
	texts   []time.Time
	textsTo map[string][]time.Time
}

// NewServer returns a server for the settings; baseURL is where it is
// served ("http://127.0.0.1:8080"), for the links in follow-ups, and now is
// its clock.
func NewServer(s followup.Settings, baseURL string, now func() time.Time) (*Server, error) {
	srv := &Server{settings: s, account: followup.Account{HasPaymentMethod: true}, now: now, chats: map[string]*chat{}, jobs: map[string]job{},
		textsTo: map[string][]time.Time{}, https: strings.HasPrefix(baseURL, "https://")}
	record := func(ch notify.Channel, key, to, subject, text string) {
		srv.mu.Lock()
		srv.outbox = append(srv.outbox, OutboxItem{Channel: ch, Key: key, To: to, Subject: subject, Text: text})
		srv.mu.Unlock()
	}
	senders := notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			record(notify.ChannelAlimTalk, m.Key, maskPhone(m.To), m.TemplateCode, m.Text)
			return ctx.Err()
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			record(notify.ChannelSMS, m.Key, maskPhone(m.To), m.Subject, m.Text)
			return ctx.Err()
		}),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			record(notify.ChannelEmail, m.Key, followup.MaskEmail(m.To), m.Subject, m.Text)
			return ctx.Err()
		}),
	}
	e, err := followup.NewEngine(s, srv.account, senders, followup.Options{
		Workspace: "Example Shop",
		// The link names the chat but holds no secret: without the
		// chat's cookie the id opens nothing, so a forwarded or
		// misdelivered text gives nobody the transcript. The widget
		// reopens the chat in the browser holding the cookie and starts
		// a new one elsewhere; a host may also reopen it after the
		// customer signs in. Putting the secret in the link would make
		// the message itself the key to the chat, which is a common
		// design, as only the customer receives it, but one that
		// needs links that expire.
		Link: func(c followup.Conversation) string { return baseURL + "/#chat=" + c.ID },
	})
	if err != nil {
		return nil, err
	}
	srv.engine = e
	return srv, nil
}

// randomToken returns 128 random bits, base64url-encoded: an id nobody can
// find by counting up from their own chat's, or by trying.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

func maskPhone(e164 string) string {
	p := followup.Phone{E164: e164}
	return p.Masked()
}

// Handler returns the HTTP handler of every page and API. It refuses any
// POST a browser sends from another site's page (403), with
// http.CrossOriginProtection: a page elsewhere cannot post replies through
// an agent's browser, nor open chats through a visitor's.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// The customer's side: anyone may open a chat; every route under
	// a chat needs that chat's secret cookie (see withChat).
	mux.HandleFunc("GET /{$}", s.widgetPage)
	mux.HandleFunc("POST /api/chats", s.openChat)
	mux.HandleFunc("POST /api/chats/{id}/answers", s.answer)
	mux.HandleFunc("POST /api/chats/{id}/messages", s.customerMessage)
	mux.HandleFunc("POST /api/chats/{id}/presence", s.presence)
	mux.HandleFunc("GET /api/chats/{id}", s.chatState)
	// The agent's side shows every chat and replies in any: it is open
	// here because the demo has no login, and a real host serves it
	// only behind its staff login.
	mux.HandleFunc("GET /agent", s.agentPage)
	mux.HandleFunc("POST /agent/chats/{id}/reply", s.agentReply)
	mux.HandleFunc("GET /outbox", s.outboxPage)
	return http.NewCrossOriginProtection().Handler(mux)
}

// writeJSON writes v as the JSON body of a response with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// secretCookie holds a chat's secret in the customer's browser. openChat
// scopes it to the chat's own path, so each chat has its own.
const secretCookie = "chat_secret"

// withChat is the customer's way into a chat. It decodes the request's JSON
// body into in, unless in is nil, and runs f with the chat the path names
// and the current time, under the server's lock, if the request carries the
// chat's secret cookie. A missing or wrong secret gets the same 404 as an id
// that does not exist, so nobody learns which chats exist.
func (s *Server) withChat(w http.ResponseWriter, r *http.Request, in any, f func(c *chat, now time.Time)) {
	if in != nil {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed request"})
			return
		}
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[r.PathValue("id")]
	if ok {
		ck, err := r.Cookie(secretCookie)
		ok = err == nil && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.secret)) == 1
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such chat"})
		return
	}
	f(c, now)
}

// openChat starts a chat: the bot's questions, and whether the gate lets it
// into the inbox yet. It hands the customer the chat's secret in a cookie
// the widget's script cannot read (HttpOnly), that no other site's page can
// send (SameSite=Strict), and that goes only with this chat's requests
// (Path): the widget needs no code to keep it. A server that holds maxChats
// chats opens no more (503).
func (s *Server) openChat(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Locale string `json:"locale"`
	}
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.chats) >= maxChats {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many chats; try again later"})
		return
	}
	c := &chat{id: randomToken(), secret: randomToken(), opened: now, locale: in.Locale}
	c.conv = followup.Conversation{ID: c.id, CustomerWrote: true, Locale: in.Locale,
		Presence: followup.Presence{Open: true, Focused: true, LastActive: now, Since: now}}
	c.admitted = s.settings.Admit(now, followup.Contact{}, s.account) == policy.Open
	s.chats[c.id] = c
	http.SetCookie(w, &http.Cookie{Name: secretCookie, Value: c.secret, Path: "/api/chats/" + c.id,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.https})
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": c.id, "questions": s.settings.Questions(s.account), "admitted": c.admitted,
	})
}

// answer takes one answer to a bot question. A refused answer gets the
// localized reason, and the bot asks again.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Field followup.Field `json:"field"`
		Value string         `json:"value"`
	}
	s.withChat(w, r, &in, func(c *chat, now time.Time) { s.takeAnswer(w, c, now, in.Field, in.Value) })
}

// takeAnswer records one answer, or replies with the reason it is refused.
func (s *Server) takeAnswer(w http.ResponseWriter, c *chat, now time.Time, field followup.Field, value string) {
	answers := c.answers
	switch field {
	case followup.FieldName:
		answers.Name = value
	case followup.FieldPhone:
		answers.Phone = value
	case followup.FieldEmail:
		answers.Email = value
	}
	answers.At, answers.Inquiry = now, c.id
	contact, err := s.settings.ParseContact(answers, s.account)
	if err != nil {
		var ve *followup.ValidationError
		if fe := asValidation(err, &ve, field); fe != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{
				"field": fe.Field.String(), "code": string(fe.Code), "message": fe.Message(c.locale, s.settings.Locale)})
			return
		}
		if ve == nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not check the answer"})
			return
		}
	}
	c.answers, c.contact = answers, contact
	c.conv.Contact = contact
	if !c.admitted && s.settings.Admit(c.opened, contact, s.account) == policy.Open {
		c.admitted = true
	}
	writeJSON(w, http.StatusOK, map[string]any{"admitted": c.admitted})
}

// asValidation returns the field error of field f in err, if any.
func asValidation(err error, ve **followup.ValidationError, f followup.Field) *followup.FieldError {
	v, ok := err.(*followup.ValidationError)
	if !ok {
		return nil
	}
	*ve = v
	return v.Field(f)
}

// customerMessage takes a line the customer wrote: at most maxMessageChars
// characters, and maxCustomerMessages in a chat (413 past either).
func (s *Server) customerMessage(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text string `json:"text"`
	}
	s.withChat(w, r, &in, func(c *chat, now time.Time) {
		switch {
		case in.Text == "":
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "empty message"})
			return
		case utf8.RuneCountInString(in.Text) > maxMessageChars:
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "message too long"})
			return
		case c.written >= maxCustomerMessages:
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "too many messages in this chat"})
			return
		}
		c.written++
		c.messages = append(c.messages, message{FromCustomer: true, Author: "Customer", Text: in.Text, At: now})
		c.conv.Presence.LastActive = now
		// The customer is back and has seen every reply.
		c.conv.Unseen = nil
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
}

// presence records what the widget reports: page open, focused, left. A
// customer who leaves without contact information under the gate is
// discarded and never reaches the inbox.
func (s *Server) presence(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Open    bool `json:"open"`
		Focused bool `json:"focused"`
		Active  bool `json:"active"`
	}
	s.withChat(w, r, &in, func(c *chat, now time.Time) { s.updatePresence(w, c, now, in.Open, in.Focused, in.Active) })
}

// updatePresence records the widget's report and, under the gate, discards a
// customer who left without contact information.
func (s *Server) updatePresence(w http.ResponseWriter, c *chat, now time.Time, open, focused, active bool) {
	p := &c.conv.Presence
	if p.Open != open || p.Focused != focused {
		p.Since = now
	}
	p.Open, p.Focused = open, focused
	if active {
		p.LastActive = now
	}
	if open && focused && active {
		c.conv.Unseen = nil // the replies are on screen
	}
	if !open && s.settings.Leave(c.opened, c.admitted, c.contact, s.account) == policy.Discard {
		delete(s.chats, c.id)
		writeJSON(w, http.StatusOK, map[string]bool{"discarded": true})
		return
	}
	s.schedule(c, now)
	writeJSON(w, http.StatusOK, map[string]bool{"discarded": false})
}

// chatState is the widget's view of the chat: admitted, and its messages.
func (s *Server) chatState(w http.ResponseWriter, r *http.Request) {
	s.withChat(w, r, nil, func(c *chat, _ time.Time) {
		writeJSON(w, http.StatusOK, map[string]any{"admitted": c.admitted, "messages": c.messages})
	})
}

// agentReply is the console's reply box. Each reply re-plans the chat's
// follow-up: a reply while one is pending joins it. It is the agent's side,
// so it takes no customer secret (see Handler). A reply is at most
// maxReplyChars characters (413 past that, or past maxReplyBytes of form).
func (s *Server) agentReply(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxReplyBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "reply too long", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	text := r.PostFormValue("text")
	if utf8.RuneCountInString(text) > maxReplyChars {
		http.Error(w, "reply too long", http.StatusRequestEntityTooLarge)
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[r.PathValue("id")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !c.admitted || text == "" {
		http.Error(w, "cannot reply", http.StatusBadRequest)
		return
	}
	id := fmt.Sprintf("m%d", len(c.messages)+1)
	c.messages = append(c.messages, message{Author: "Agent", Text: text, At: now})
	c.conv.Unseen = append(c.conv.Unseen, followup.Reply{ID: id, Author: "Agent", Text: text, At: now})
	s.schedule(c, now)
	http.Redirect(w, r, "/agent", http.StatusSeeOther)
}

// schedule plans the chat's follow-up and puts its job in the queue, keyed
// by the plan's key: planning again moves the job, never duplicates it. A
// customer in the chat, or just gone, gets a job at the plan's Recheck: no
// event says when they go idle, and Deliver then checks again. The caller
// holds s.mu.
func (s *Server) schedule(c *chat, now time.Time) {
	switch p := s.engine.Plan(now, c.conv); p.Reason {
	case followup.Due:
		s.jobs[p.Key.String()] = job{chatID: c.id, plan: p, at: p.SendAt}
	case followup.CustomerPresent, followup.NotAwayLongEnough:
		s.jobs[p.Key.String()] = job{chatID: c.id, plan: p, at: p.Recheck}
	}
}

// RunDue forgets the chats that expired (see unadmittedTTL) and runs every
// job due at now, as a host's job queue does, and returns how many ran.
// main calls it every second; tests call it with their clock.
//
// Once ctx is done, RunDue starts no more jobs (they stay queued), but a
// delivery already running finishes: Deliver runs under a context that ctx's
// end does not cancel, with a deadline of its own, because a send cut off
// midway may have gone and would be recorded as not delivered.
func (s *Server) RunDue(ctx context.Context, now time.Time) int {
	s.mu.Lock()
	s.expire(now)
	var due []string
	for k, j := range s.jobs {
		if !j.at.After(now) {
			due = append(due, k)
		}
	}
	sort.Strings(due)
	s.mu.Unlock()
	ran := 0
	for _, k := range due {
		if ctx.Err() != nil {
			break
		}
		ran++
		s.mu.Lock()
		j := s.jobs[k]
		delete(s.jobs, k)
		c, ok := s.chats[j.chatID]
		var snap followup.Conversation
		if ok {
			snap = c.conv
			snap.FollowUps = append([]followup.Record(nil), c.conv.FollowUps...)
			phone := c.conv.Contact.Phone.E164
			snap.Texts = followup.TextHistory{
				ToRecipient: append([]time.Time(nil), s.textsTo[phone]...),
				ByWorkspace: append([]time.Time(nil), s.texts...),
			}
		}
		s.mu.Unlock()
		if !ok {
			continue
		}
		// Jobs run one at a time here, so two runs of one job never overlap.
		// A deadline bounds the retries and a provider's retry-after.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		res, err := s.engine.Deliver(dctx, now, j.plan, snap)
		cancel()
		if err != nil {
			// Nothing was sent. The key and the error hold no personal data.
			log.Printf("httpchat: follow-up %s: %v", k, err)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				// Keep the job and try again later. Any other error (a
				// template that fails) would fail the same way again.
				s.mu.Lock()
				j.at = now.Add(time.Minute)
				s.jobs[k] = j
				s.mu.Unlock()
			}
			continue
		}
		s.mu.Lock()
		c.conv.FollowUps = append(c.conv.FollowUps, res.Records...)
		if res.Texted {
			phone := c.conv.Contact.Phone.E164
			s.texts = append(s.texts, now)
			s.textsTo[phone] = append(s.textsTo[phone], now)
		}
		if !res.Next.IsZero() {
			// What is due then: this follow-up's next step, deferred text
			// or a reschedule (this job again), or the conversation's next
			// follow-up (a job of its own key).
			s.jobs[res.Plan.Key.String()] = job{chatID: c.id, plan: res.Plan, at: res.Next}
		}
		s.mu.Unlock()
	}
	return ran
}

// expire forgets every chat that was not admitted within unadmittedTTL of
// opening; their jobs, if any, find no chat and are dropped. The caller
// holds s.mu.
func (s *Server) expire(now time.Time) {
	for id, c := range s.chats {
		if !c.admitted && now.Sub(c.opened) >= unadmittedTTL {
			delete(s.chats, id)
		}
	}
}

// deliverEvery is the host's job queue: it runs the due jobs at every tick
// until ctx is done, and returns once the run in progress, if any, has
// finished (see RunDue).
func (s *Server) deliverEvery(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticks:
			s.RunDue(ctx, now)
		}
	}
}

// Outbox returns what the in-memory senders sent.
func (s *Server) Outbox() []OutboxItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]OutboxItem(nil), s.outbox...)
}
