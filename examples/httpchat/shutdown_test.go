package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

// settle is how long the test gives run to return too early, were it to:
// a correct run never does, so the wait cannot make the test flaky.
const settle = 100 * time.Millisecond

// On Ctrl-C, run waits for the request in flight to finish and for the
// follow-up being delivered to go, without cancelling the delivery, and
// returns only when both are done, whichever finishes first.
func TestCtrlCLetsRequestsAndDeliveriesFinish(t *testing.T) {
	for _, requestFirst := range []bool{true, false} {
		name := map[bool]string{true: "request first", false: "delivery first"}[requestFirst]
		t.Run(name, func(t *testing.T) { testCtrlC(t, requestFirst) })
	}
}

// testCtrlC presses Ctrl-C with a request and a delivery in flight, then
// lets them finish in the order given.
func testCtrlC(t *testing.T, requestFirst bool) {
	h := newHarness(t)
	id := h.admittedChat()
	h.post("/api/chats/"+id+"/presence", map[string]bool{"open": false})
	h.clock.add(time.Minute)
	h.reply(id, "내일 출고됩니다.")

	// Providers that take the message and answer when the test says,
	// or give up if their context ends first.
	var started sync.Once
	sending, accept := make(chan struct{}), make(chan struct{})
	provider := func(ctx context.Context) error {
		started.Do(func() { close(sending) })
		select {
		case <-accept:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e, err := followup.NewEngine(demoSettings(), h.srv.account, notify.Senders{
		SMS:   notify.SMSFunc(func(ctx context.Context, _ notify.SMS) error { return provider(ctx) }),
		Email: notify.EmailFunc(func(ctx context.Context, _ notify.Email) error { return provider(ctx) }),
	}, followup.Options{Workspace: "Example Shop"})
	if err != nil {
		t.Fatal(err)
	}
	h.srv.engine = e

	// A request that holds its handler until the test lets it go.
	entered, respond := make(chan struct{}), make(chan struct{})
	handler := http.NewServeMux()
	handler.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-respond
		_, _ = io.WriteString(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, ctrlC := context.WithCancel(context.Background())
	defer ctrlC()
	ticks := make(chan time.Time)
	stopped := make(chan error, 1)
	go func() { stopped <- run(ctx, ln, handler, h.srv, ticks) }()
	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			body <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	<-entered
	h.clock.add(time.Minute)
	ticks <- h.clock.now()
	<-sending

	ctrlC()
	stillRunning := func(what string) {
		t.Helper()
		select {
		case err := <-stopped:
			t.Fatalf("run returned (%v) with %s in flight", err, what)
		case <-time.After(settle):
		}
	}
	finishRequest := func() {
		t.Helper()
		close(respond)
		if got := <-body; got != "done" {
			t.Errorf("the request in flight got %q, want its response", got)
		}
	}
	stillRunning("a request and a delivery")
	if requestFirst {
		finishRequest()
		stillRunning("a delivery")
		close(accept)
	} else {
		close(accept)
		stillRunning("a request")
		finishRequest()
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return once the request and the delivery finished")
	}

	h.srv.mu.Lock()
	records := append([]followup.Record(nil), h.srv.chats[id].conv.FollowUps...)
	h.srv.mu.Unlock()
	if len(records) != 2 {
		t.Fatalf("%d records, want the text's and the email's", len(records))
	}
	for _, r := range records {
		if !r.Delivered {
			t.Errorf("the %v was cut off by Ctrl-C: recorded as not delivered", r.Channel)
		}
	}
}
