package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The agent's reply is at most maxReplyChars characters, counted as
// characters (Korean takes three bytes each), and the form's body is
// bounded before it is read.
func TestAgentReplyIsBounded(t *testing.T) {
	h := newHarness(t)
	id := h.admittedChat()
	for _, c := range []struct {
		name string
		text string
		pad  int // bytes of another field in the form
		want int
	}{
		{"the longest reply", strings.Repeat("가", maxReplyChars), 0, http.StatusSeeOther},
		{"a character more", strings.Repeat("가", maxReplyChars+1), 0, http.StatusRequestEntityTooLarge},
		{"9 MB", strings.Repeat("a", 9<<20), 0, http.StatusRequestEntityTooLarge},
		{"a short reply in a 1 MB form", "네", 1 << 20, http.StatusRequestEntityTooLarge},
	} {
		before := h.unseen(id)
		status := h.postReplyFrom("same-origin", id, c.text, url.Values{"pad": {strings.Repeat("a", c.pad)}})
		stored := h.unseen(id) - before
		if status != c.want || stored != map[bool]int{true: 1, false: 0}[c.want == http.StatusSeeOther] {
			t.Errorf("%s: %d, %d replies stored; want %d", c.name, status, stored, c.want)
		}
	}
}

// A customer writes at most maxCustomerMessages messages in a chat, each
// at most maxMessageChars characters.
func TestCustomerMessagesAreBounded(t *testing.T) {
	h := newHarness(t)
	id := h.open()
	path := "/api/chats/" + id + "/messages"
	if status, j := h.post(path, map[string]string{"text": strings.Repeat("가", maxMessageChars+1)}); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a message a character too long: %d %v", status, j)
	}
	if status, j := h.post(path, map[string]string{"text": strings.Repeat("가", maxMessageChars)}); status != http.StatusOK {
		t.Errorf("the longest message: %d %v", status, j)
	}
	for i := 1; i < maxCustomerMessages; i++ {
		if status, j := h.post(path, map[string]string{"text": "문의"}); status != http.StatusOK {
			t.Fatalf("message %d: %d %v", i+1, status, j)
		}
	}
	if status, j := h.post(path, map[string]string{"text": "문의"}); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a message past the chat's %d: %d %v", maxCustomerMessages, status, j)
	}
	h.srv.mu.Lock()
	n := len(h.srv.chats[id].messages)
	h.srv.mu.Unlock()
	if n != maxCustomerMessages {
		t.Errorf("the chat holds %d messages, want %d", n, maxCustomerMessages)
	}
}

// openDirect opens a chat through the handler without a network, and
// returns the status.
func openDirect(h http.Handler) int {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/api/chats", strings.NewReader(`{}`)))
	return w.Code
}

// The server holds at most maxChats chats; a chat never admitted is
// forgotten unadmittedTTL after it opened, which makes room again, and an
// admitted one is kept.
func TestChatsAreBoundedAndExpire(t *testing.T) {
	h := newHarness(t)
	admitted := h.admittedChat()
	h.clock.add(time.Minute)
	waiting := h.open() // under the gate, without contact
	for range maxChats - 2 {
		if status := openDirect(h.srv.Handler()); status != http.StatusCreated {
			t.Fatalf("opening a chat below the bound: %d", status)
		}
	}
	if status := openDirect(h.srv.Handler()); status != http.StatusServiceUnavailable {
		t.Errorf("opening chat %d: %d, want 503", maxChats+1, status)
	}

	h.clock.add(unadmittedTTL - time.Second)
	h.srv.RunDue(context.Background(), h.clock.now())
	if status, _ := h.do("GET", waiting, "", nil, h.secret(waiting)); status != http.StatusOK {
		t.Errorf("a chat forgotten before unadmittedTTL: %d", status)
	}
	h.clock.add(time.Second)
	h.srv.RunDue(context.Background(), h.clock.now())
	if status, _ := h.do("GET", waiting, "", nil, h.secret(waiting)); status != http.StatusNotFound {
		t.Errorf("a chat still held unadmittedTTL after it opened without reaching the inbox: %d", status)
	}
	if status, _ := h.do("GET", admitted, "", nil, h.secret(admitted)); status != http.StatusOK {
		t.Errorf("an admitted chat was forgotten: %d", status)
	}
	h.srv.mu.Lock()
	n := len(h.srv.chats)
	h.srv.mu.Unlock()
	if n != 1 {
		t.Errorf("%d chats held after the unadmitted ones expired, want the admitted one", n)
	}
	if status := openDirect(h.srv.Handler()); status != http.StatusCreated {
		t.Errorf("opening a chat once others expired: %d", status)
	}
	// The agent can still reply in the admitted chat.
	if status := h.postReplyFrom("same-origin", admitted, "내일 출고됩니다.", nil); status != http.StatusSeeOther {
		t.Errorf("a reply in the admitted chat: %d", status)
	}
}
