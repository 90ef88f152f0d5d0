package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followup-go/followup/notify"
)

// clock is the test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)} }

// harness is the server, and the customer's browser: post sends the
// cookies it was given, as the widget's requests do.
type harness struct {
	t        *testing.T
	srv      *Server
	http     *httptest.Server
	clock    *clock
	customer *http.Client
}

func newHarness(t *testing.T) *harness {
	c := newClock()
	srv, err := NewServer(demoSettings(), "http://chat.example", c.now)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, srv: srv, http: hs, clock: c, customer: &http.Client{Jar: jar}}
}

func (h *harness) post(path string, body any) (int, map[string]any) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := h.customer.Post(h.http.URL+path, "application/json", strings.NewReader(string(b)))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (h *harness) get(path string) string {
	h.t.Helper()
	resp, err := http.Get(h.http.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (h *harness) reply(id, text string) {
	h.t.Helper()
	resp, err := http.PostForm(h.http.URL+"/agent/chats/"+id+"/reply", url.Values{"text": {text}})
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK { // after the redirect to /agent
		h.t.Fatalf("reply: %s", resp.Status)
	}
}

// open starts a chat in Korean and returns its id.
func (h *harness) open() string {
	h.t.Helper()
	status, j := h.post("/api/chats", map[string]string{"locale": "ko"})
	if status != http.StatusCreated {
		h.t.Fatalf("open: %d %v", status, j)
	}
	if j["admitted"] != false {
		h.t.Fatalf("admitted before giving contact information under the gate: %v", j)
	}
	return j["id"].(string)
}

func (h *harness) answer(id, field, value string) (int, map[string]any) {
	return h.post("/api/chats/"+id+"/answers", map[string]string{"field": field, "value": value})
}

// admittedChat opens a chat with contact information, which the gate lets
// into the inbox, and returns its id.
func (h *harness) admittedChat() string {
	h.t.Helper()
	id := h.open()
	for field, value := range map[string]string{"name": "김민지", "phone": "010-1234-5678", "email": "minji@example.com"} {
		if status, j := h.answer(id, field, value); status != http.StatusOK {
			h.t.Fatalf("%s: %d %v", field, status, j)
		}
	}
	return id
}

// tick runs the job queue every second for d, and returns what was sent.
func (h *harness) tick(d time.Duration) []OutboxItem {
	h.t.Helper()
	for range int(d / time.Second) {
		h.clock.add(time.Second)
		h.srv.RunDue(context.Background(), h.clock.now())
	}
	return h.srv.Outbox()
}

// summary describes outbox items by channel, key and length: a failing test
// must not print what was sent, as that is a customer's messages.
func summary(out []OutboxItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d items", len(out))
	for _, o := range out {
		fmt.Fprintf(&b, "; %v %s, %d bytes", o.Channel, o.Key, len(o.Text))
	}
	return b.String()
}

func TestPagesServe(t *testing.T) {
	h := newHarness(t)
	for path, want := range map[string]string{"/": "Chat with Example Shop", "/agent": "No open chats.", "/outbox": "Nothing sent yet."} {
		if got := h.get(path); !strings.Contains(got, want) {
			t.Errorf("GET %s lacks %q", path, want)
		}
	}
	for _, path := range []string{"/agent", "/outbox"} {
		if !strings.Contains(h.get(path), "staff login") {
			t.Errorf("GET %s does not say it belongs behind the staff login", path)
		}
	}
}

// A customer who leaves without contact information under the gate is
// discarded and never shown in the inbox.
func TestGateDiscardsACustomerWhoLeavesWithoutContact(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	h.post("/api/chats/"+id+"/messages", map[string]string{"text": "배송 문의요"})
	if strings.Contains(h.get("/agent"), id) {
		t.Fatal("a chat without contact information is in the inbox")
	}
	_, j := h.post("/api/chats/"+id+"/presence", map[string]bool{"open": false})
	if j["discarded"] != true {
		t.Fatalf("leaving: %v", j)
	}
	if strings.Contains(h.get("/agent"), id) {
		t.Fatal("a discarded chat is in the inbox")
	}
	if status, _ := h.post("/api/chats/"+id+"/messages", map[string]string{"text": "x"}); status != http.StatusNotFound {
		t.Errorf("a discarded chat still takes messages: %d", status)
	}
}

func TestRefusedAnswerGetsTheLocalizedReason(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	status, j := h.answer(id, "phone", "02-123-4567")
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %v", status, j)
	}
	want := "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요."
	if j["code"] != "fixedLine" || j["message"] != want {
		t.Errorf("reason %v", j)
	}
	if strings.Contains(h.get("/agent"), id) {
		t.Error("a refused answer let the chat into the inbox")
	}
}

// The whole flow: answers, the chat reaches the inbox, the customer leaves,
// the agent replies twice, and one follow-up is delivered.
func TestFollowUpDeliveredToTheOutbox(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	for field, value := range map[string]string{"name": "김민지", "phone": "010-1234-5678", "email": "minji@example.com"} {
		if status, j := h.answer(id, field, value); status != http.StatusOK {
			t.Fatalf("%s: %d %v", field, status, j)
		}
	}
	if !strings.Contains(h.get("/agent"), id) {
		t.Fatal("the chat is not in the inbox after contact information")
	}
	h.post("/api/chats/"+id+"/messages", map[string]string{"text": "주문한 상품이 언제 오나요?"})
	h.clock.add(time.Minute)
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": false})

	h.clock.add(time.Minute)
	h.reply(id, "내일 출고됩니다.")
	h.clock.add(time.Minute)
	h.reply(id, "송장 번호는 문자로 보내 드릴게요.")

	if n := h.srv.RunDue(context.Background(), h.clock.now()); n != 0 {
		t.Fatalf("%d jobs ran before the delay", n)
	}
	h.clock.add(3 * time.Minute)
	if n := h.srv.RunDue(context.Background(), h.clock.now()); n != 1 {
		t.Fatalf("%d jobs ran, want the one follow-up", n)
	}
	out := h.srv.Outbox()
	if len(out) != 2 {
		t.Fatalf("outbox: %s", summary(out))
	}
	got := map[notify.Channel]OutboxItem{}
	for _, o := range out {
		got[o.Channel] = o
	}
	sms, email := got[notify.ChannelSMS], got[notify.ChannelEmail]
	for _, o := range []OutboxItem{sms, email} {
		if !strings.Contains(o.Text, "내일 출고됩니다.") || !strings.Contains(o.Text, "송장 번호는 문자로 보내 드릴게요.") {
			t.Errorf("the %v (%d bytes) does not carry both replies", o.Channel, len(o.Text))
		}
	}
	if sms.To != "+82 **-****-5678" || email.To != "m***@example.com" {
		t.Errorf("outbox recipients %q, %q", sms.To, email.To)
	}
	if link := "http://chat.example/#chat=" + id; !strings.Contains(sms.Text, link) {
		t.Errorf("the text (%d bytes) has no link %q", len(sms.Text), link)
	}
	// The text is on the history the send caps count.
	h.srv.mu.Lock()
	texts := len(h.srv.texts)
	h.srv.mu.Unlock()
	if texts != 1 {
		t.Errorf("%d texts on the caps' history, want 1", texts)
	}
	page := h.get("/outbox")
	// html/template escapes "+" as "&#43;".
	if !strings.Contains(page, "sms to &#43;82 **-****-5678") {
		t.Errorf("the outbox page (%d bytes) lacks the masked recipient", len(page))
	}
	if strings.Contains(page, "1234-5678") {
		t.Errorf("the outbox page (%d bytes) shows the phone number unmasked", len(page))
	}
	// The job queue is empty and nothing goes twice.
	h.clock.add(time.Hour)
	h.srv.RunDue(context.Background(), h.clock.now())
	if len(h.srv.Outbox()) != 2 {
		t.Error("a follow-up was sent twice")
	}
}

// A customer who comes back before the follow-up is due gets nothing.
func TestFollowUpCancelledWhenTheCustomerComesBack(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	h.answer(id, "email", "minji@example.com")
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": false})
	h.clock.add(time.Minute)
	h.reply(id, "확인해 보겠습니다.")
	h.clock.add(time.Minute)
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": true, "focused": true, "active": true})
	h.clock.add(5 * time.Minute)
	h.srv.RunDue(context.Background(), h.clock.now())
	if out := h.srv.Outbox(); len(out) != 0 {
		t.Errorf("sent to a customer who came back: %s", summary(out))
	}
}

// Chat ids are 128 random bits, not a counter: nobody finds another
// customer's chat by counting up from their own.
func TestChatIDsAreUnguessable(t *testing.T) {
	h := newHarness(t)
	a, b := h.open(), h.open()
	if a == b {
		t.Fatal("two chats got the same id")
	}
	for _, id := range []string{a, b} {
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) < 16 {
			t.Errorf("chat id %q is not 128 random bits, base64url", id)
		}
	}
}

// secret returns the cookie the customer's browser holds for the chat.
func (h *harness) secret(id string) *http.Cookie {
	h.t.Helper()
	u, _ := url.Parse(h.http.URL + "/api/chats/" + id)
	cookies := h.customer.Jar.Cookies(u)
	if len(cookies) != 1 {
		h.t.Fatalf("%d cookies for chat %s, want its secret", len(cookies), id)
	}
	return cookies[0]
}

// customerRoutes are the routes under a chat, each with a body it takes.
var customerRoutes = []struct {
	method, path string
	body         any
}{
	{"GET", "", nil},
	{"POST", "/answers", map[string]string{"field": "phone", "value": "010-9999-0000"}},
	{"POST", "/messages", map[string]string{"text": "다른 사람의 메시지"}},
	{"POST", "/presence", map[string]bool{"open": false}},
}

// do sends one request to /api/chats/{id}{path} with the cookie, unless it
// is nil, and no other, as anyone's script could; it returns the status and
// the body.
func (h *harness) do(method, id, path string, body any, cookie *http.Cookie) (int, string) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, h.http.URL+"/api/chats/"+id+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Nobody reaches a customer's chat without its secret: not a stranger, not
// another customer with their own chat's secret, not a near miss. Each gets
// the 404 of a chat that does not exist, and the chat is left as it was.
func TestAnotherChatIsNotFoundWithoutItsSecret(t *testing.T) {
	h := newHarness(t)
	victim := h.open()
	for field, value := range map[string]string{"name": "김민지", "phone": "010-1234-5678", "email": "minji@example.com"} {
		if status, _ := h.answer(victim, field, value); status != http.StatusOK {
			t.Fatalf("%s: %d", field, status)
		}
	}
	h.post("/api/chats/"+victim+"/messages", map[string]string{"text": "주문한 상품이 언제 오나요?"})
	other := h.open()
	right := h.secret(victim)
	others := &http.Cookie{Name: right.Name, Value: h.secret(other).Value}
	nearMiss := []byte(right.Value)
	nearMiss[0] ^= 1

	_, notFound := h.do("GET", "AAAAAAAAAAAAAAAAAAAAAA", "", nil, nil)
	for _, route := range customerRoutes {
		for who, cookie := range map[string]*http.Cookie{"no secret": nil, "another chat's secret": others,
			"a wrong secret":            {Name: right.Name, Value: string(nearMiss)},
			"the chat id as the secret": {Name: right.Name, Value: victim}} {
			status, body := h.do(route.method, victim, route.path, route.body, cookie)
			if status != http.StatusNotFound || body != notFound {
				t.Errorf("%s %s with %s: %d, %d bytes; want the 404 of an unknown chat", route.method, route.path, who, status, len(body))
			}
		}
	}

	h.srv.mu.Lock()
	c := h.srv.chats[victim]
	phone, messages, open := c.answers.Phone, len(c.messages), c.conv.Presence.Open
	h.srv.mu.Unlock()
	if phone != "010-1234-5678" || messages != 1 || !open {
		t.Errorf("the chat changed: phone changed %v, %d messages, open %v", phone != "010-1234-5678", messages, open)
	}
	// The chat's own secret still opens it.
	if status, body := h.do("GET", victim, "", nil, &http.Cookie{Name: right.Name, Value: right.Value}); status != http.StatusOK || !strings.Contains(body, "주문한 상품이 언제 오나요?") {
		t.Errorf("GET with the right secret: %d, %d bytes", status, len(body))
	}
}

// The secret comes as a cookie the widget's script cannot read, that other
// sites cannot send, for this chat only; it is not in the JSON, and it is
// not the id.
func TestChatSecretIsAStrictHttpOnlyCookieForTheChat(t *testing.T) {
	h := newHarness(t)
	resp, err := http.Post(h.http.URL+"/api/chats", "application/json", strings.NewReader(`{"locale":"ko"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var j struct{ ID string }
	if err := json.Unmarshal(body, &j); err != nil || j.ID == "" {
		t.Fatalf("open: %d, %v", resp.StatusCode, err)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies, want the one secret", len(cookies))
	}
	c := cookies[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/chats/"+j.ID {
		t.Errorf("cookie %s: HttpOnly %v, SameSite %v, Path %q", c.Name, c.HttpOnly, c.SameSite, c.Path)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(c.Value); err != nil || len(raw) < 16 || c.Value == j.ID {
		t.Errorf("the secret is not 128 random bits apart from the id")
	}
	if strings.Contains(string(body), c.Value) {
		t.Error("the secret is in the JSON, where the widget's script can read it")
	}
	if status, _ := h.do("GET", j.ID, "", nil, &http.Cookie{Name: c.Name, Value: c.Value}); status != http.StatusOK {
		t.Errorf("GET with the secret: %d", status)
	}
}

// A customer who stays on the page without reading the replies gets the
// follow-up once idle: no event says when they go idle, so the server keeps
// a job at the plan's Recheck.
func TestFollowUpForACustomerIdleOnThePage(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	for field, value := range map[string]string{"phone": "010-1234-5678", "email": "minji@example.com"} {
		if status, j := h.answer(id, field, value); status != http.StatusOK {
			t.Fatalf("%s: %d %v", field, status, j)
		}
	}
	h.post("/api/chats/"+id+"/messages", map[string]string{"text": "주문한 상품이 언제 오나요?"})
	// Still on the page and focused, but looking elsewhere: no activity.
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": true, "focused": true})
	h.reply(id, "내일 출고됩니다.")
	for range 120 { // an hour, in 30-second ticks
		h.clock.add(30 * time.Second)
		h.srv.RunDue(context.Background(), h.clock.now())
	}
	if out := h.srv.Outbox(); len(out) == 0 {
		t.Errorf("no follow-up for a customer idle on the page: %s", summary(out))
	}
}

// The follow-up's link reopens the chat in the customer's browser: the
// widget reads the chat's messages, the agent's reply among them, with the
// cookie the browser kept. The fields it reads are the ones the server
// writes.
func TestLinkReopensTheChatWithTheReply(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	if status, j := h.answer(id, "phone", "010-1234-5678"); status != http.StatusOK {
		t.Fatalf("phone: %d %v", status, j)
	}
	h.post("/api/chats/"+id+"/messages", map[string]string{"text": "주문한 상품이 언제 오나요?"})
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": false})
	h.reply(id, "내일 출고됩니다.")
	for range 20 {
		h.clock.add(30 * time.Second)
		h.srv.RunDue(context.Background(), h.clock.now())
	}
	out := h.srv.Outbox()
	if len(out) == 0 || !strings.Contains(out[0].Text, "http://chat.example/#chat="+id) {
		t.Fatalf("no follow-up with the chat's link: %s", summary(out))
	}

	resp, err := h.customer.Get(h.http.URL + "/api/chats/" + id) // the widget's refresh(id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		Messages []struct {
			FromCustomer bool
			Author, Text string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET the chat with its cookie: %d, %v", resp.StatusCode, err)
	}
	n := len(state.Messages)
	if n == 0 || state.Messages[n-1].FromCustomer || state.Messages[n-1].Author == "" || state.Messages[n-1].Text != "내일 출고됩니다." {
		t.Errorf("the reopened chat does not end with the agent's reply: %d messages", n)
	}

	page := h.get("/")
	for _, want := range []string{`/^#chat=([A-Za-z0-9_-]+)$/`, "m.FromCustomer", "m.Author", "m.Text"} {
		if !strings.Contains(page, want) {
			t.Errorf("the widget lacks %s", want)
		}
	}
	if strings.ContainsAny(id, "#/?&=") {
		t.Errorf("chat id %q does not fit the widget's #chat= pattern", id)
	}
}

// The widget's script parses, where Node.js is installed to check it.
func TestWidgetScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	f := filepath.Join(t.TempDir(), "widget.js")
	if err := os.WriteFile(f, []byte(widgetScript), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Errorf("node --check: %v\n%s", err, out)
	}
}

// hiddenTab is what the widget posts when its tab goes to the background;
// TestWidgetReportsABackgroundTabAsOpen holds the widget to it.
var hiddenTab = map[string]bool{"open": true, "focused": false, "active": true}

// The widget reports a background tab as open and unfocused, on
// visibilitychange, and a closed page only on pagehide: Presence.Open means
// the page is open, and a hidden tab counts as away after HiddenAfter.
func TestWidgetReportsABackgroundTabAsOpen(t *testing.T) {
	if !strings.Contains(widgetScript, `addEventListener("visibilitychange", presence)`) {
		t.Fatal("visibilitychange does not call presence")
	}
	def := regexp.MustCompile(`const presence = \(\) => chat && post\("/api/chats/" \+ chat \+ "/presence",\s*\{open: (\w+), focused: ([^,]+), active: (\w+)\}\);`).FindStringSubmatch(widgetScript)
	if def == nil {
		t.Fatal("the widget's presence report is not in the form this test reads")
	}
	// A hidden tab is not "visible", so focused is false for it.
	if def[1] != "true" || !strings.HasPrefix(def[2], `document.visibilityState === "visible" && `) || def[3] != "true" {
		t.Errorf("presence posts {open: %s, focused: %s, active: %s}; want what hiddenTab holds for a background tab", def[1], def[2], def[3])
	}
	closed := regexp.MustCompile(`open: false`).FindAllStringIndex(widgetScript, -1)
	pagehide := regexp.MustCompile(`addEventListener\("pagehide", [^;]*\);`).FindStringIndex(widgetScript)
	if len(closed) != 1 || pagehide == nil || closed[0][0] < pagehide[0] || closed[0][1] > pagehide[1] {
		t.Error("the widget reports the page closed somewhere other than its pagehide handler")
	}
}

// Under the gate, a customer who switches tabs in the middle of the
// questions (to look up their email address) keeps the chat.
func TestTabSwitchKeepsAGatedChat(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	if status, _ := h.answer(id, "name", "김민지"); status != http.StatusOK {
		t.Fatal(status)
	}
	if _, j := h.post("/api/chats/"+id+"/presence", hiddenTab); j["discarded"] != false {
		t.Fatalf("a tab switch: %v; want the chat kept", j)
	}
	if status, j := h.answer(id, "phone", "010-1234-5678"); status != http.StatusOK || j["admitted"] != true {
		t.Errorf("the answer after a tab switch: %d %v; want the chat admitted", status, j)
	}
}

// A customer in a background tab gets the follow-up once HiddenAfter (30
// seconds in the demo) has passed, not LeftAfter (10 seconds).
func TestFollowUpWaitsHiddenAfterForABackgroundTab(t *testing.T) {
	h := newHarness(t)
	id := h.admittedChat()
	h.post("/api/chats/"+id+"/presence", hiddenTab)
	h.reply(id, "내일 출고됩니다.")
	if out := h.tick(demoSettings().Timing.HiddenAfter - time.Second); len(out) != 0 {
		t.Fatalf("followed up a customer in a background tab before HiddenAfter: %s", summary(out))
	}
	if out := h.tick(2 * time.Second); len(out) == 0 {
		t.Error("no follow-up once HiddenAfter passed")
	}
}

// noRedirect is a client that returns a redirect as it is.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postReplyFrom posts a reply to the chat, with the other fields of the
// form, if any, as a browser would from a page whose relation to the server
// is site (Sec-Fetch-Site), and returns the status.
func (h *harness) postReplyFrom(site, id, text string, other url.Values) int {
	h.t.Helper()
	form := url.Values{"text": {text}}
	for k, v := range other {
		form[k] = v
	}
	req, err := http.NewRequest("POST", h.http.URL+"/agent/chats/"+id+"/reply", strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	if site == "cross-site" {
		req.Header.Set("Origin", "https://evil.example")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// unseen returns how many replies of the chat the customer has not seen.
func (h *harness) unseen(id string) int {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	return len(h.srv.chats[id].conv.Unseen)
}

// A page on another site cannot post a reply through an agent's browser,
// nor open chats through a visitor's; the console's own form still works.
func TestCrossSitePostsAreRefused(t *testing.T) {
	h := newHarness(t)
	id := h.admittedChat()
	if status := h.postReplyFrom("cross-site", id, "Pay at https://evil.example", nil); status != http.StatusForbidden || h.unseen(id) != 0 {
		t.Errorf("a cross-site reply: %d, %d replies stored; want 403 and none", status, h.unseen(id))
	}
	if status := h.postReplyFrom("same-origin", id, "내일 출고됩니다.", nil); status != http.StatusSeeOther || h.unseen(id) != 1 {
		t.Errorf("the console's reply: %d, %d replies stored; want 303 and one", status, h.unseen(id))
	}
	req, _ := http.NewRequest("POST", h.http.URL+"/api/chats", strings.NewReader(`{}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST opened a chat: %d", resp.StatusCode)
	}
}

// The agent's pages may not be framed by another page (clickjacking).
func TestAgentPagesRefuseFraming(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/agent", "/outbox"} {
		resp, err := http.Get(h.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if xfo, csp := resp.Header.Get("X-Frame-Options"), resp.Header.Get("Content-Security-Policy"); xfo != "DENY" || csp != "frame-ancestors 'none'" {
			t.Errorf("GET %s: X-Frame-Options %q, Content-Security-Policy %q", path, xfo, csp)
		}
	}
}
