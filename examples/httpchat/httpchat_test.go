package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

type harness struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	clock *clock
}

func newHarness(t *testing.T) *harness {
	c := newClock()
	srv, err := NewServer(demoSettings(), "http://chat.example", c.now)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &harness{t: t, srv: srv, http: hs, clock: c}
}

func (h *harness) post(path string, body any) (int, map[string]any) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(h.http.URL+path, "application/json", strings.NewReader(string(b)))
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

func TestPagesServe(t *testing.T) {
	h := newHarness(t)
	for path, want := range map[string]string{"/": "Chat with Example Shop", "/agent": "No open chats.", "/outbox": "Nothing sent yet."} {
		if got := h.get(path); !strings.Contains(got, want) {
			t.Errorf("GET %s lacks %q", path, want)
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
		t.Fatalf("outbox: %+v", out)
	}
	got := map[notify.Channel]OutboxItem{}
	for _, o := range out {
		got[o.Channel] = o
	}
	sms, email := got[notify.ChannelSMS], got[notify.ChannelEmail]
	for _, o := range []OutboxItem{sms, email} {
		if !strings.Contains(o.Text, "내일 출고됩니다.") || !strings.Contains(o.Text, "송장 번호는 문자로 보내 드릴게요.") {
			t.Errorf("%v does not carry both replies:\n%s", o.Channel, o.Text)
		}
	}
	if sms.To != "+82 **-****-5678" || email.To != "m***@example.com" {
		t.Errorf("outbox recipients %q, %q", sms.To, email.To)
	}
	if link := "http://chat.example/#chat=" + id; !strings.Contains(sms.Text, link) {
		t.Errorf("the text has no link %q:\n%s", link, sms.Text)
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
	if !strings.Contains(page, "sms to &#43;82 **-****-5678") || strings.Contains(page, "1234-5678") {
		t.Errorf("outbox page:\n%s", page)
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
		t.Errorf("sent to a customer who came back: %+v", out)
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
