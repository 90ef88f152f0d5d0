// Command httpchat is a small chat server on net/http that runs follow-up
// notifications end to end, in memory:
//
//	go run ./examples/httpchat
//
// It serves the customer's widget at /, which asks the configured questions,
// shows the localized reason when an answer is refused, honours the
// contact-required gate and reports presence (page visible, focused, left).
// Each chat has a random id and a secret that the customer's browser keeps
// in an HttpOnly cookie; the chat's API answers only requests carrying it.
// A ticker plays the host's job queue, delivering each planned follow-up
// when it is due.
//
// The agent's side is the console at /agent, an inbox of admitted chats with
// a reply box, and /outbox, the follow-ups the engine delivered through
// in-memory senders. They show every customer's chat, so a real host serves
// them only behind its staff login; they are open here because the demo has
// no login.
//
// Ctrl-C stops the server gently: it takes no new connections, gives the
// requests in flight five seconds, starts no new delivery and lets one in
// progress finish rather than cancelling it (a send cut off midway may have
// gone; see the README's "Running behind a job queue").
//
// The demo keeps everything in memory, within bounds that keep one client
// from filling it: at most 1,000 chats at once (opening more gets 503); a
// chat that has not reached the inbox 30 minutes after it opened is
// forgotten; a customer writes at most 200 messages in a chat, each at most
// 2,000 characters, and an agent's reply is at most 4,000 characters
// (longer gets 413). Admitted chats stay until the server stops. Every POST
// that a browser sends from another site's page is refused (403), and the
// agent's pages may not be framed by other pages.
//
// To see one: answer the questions in the widget, close its tab (or switch
// away for half a minute), reply from the console, and open /outbox about
// 20 seconds later. The demo's timings are short; the defaults wait minutes.
// The follow-up's link opens the widget on the same chat, with the agent's
// replies, in the browser that holds the chat's cookie; anywhere else it
// starts a new chat. The link carries the chat's id, never its secret (see
// NewServer).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

// demoSettings are the workspace's settings: all three questions, contact
// required, text as SMS, email, and timings short enough to watch: a
// follow-up goes 20 seconds after the last reply once the customer has left
// (10 seconds) or hidden the widget (30 seconds).
func demoSettings() followup.Settings {
	return followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true,
		Gate:   policy.Gate{Mode: policy.GateAlways},
		Region: "KR", Locale: "ko",
		Timing: followup.Timing{Delay: 20 * time.Second, LeftAfter: 10 * time.Second, HiddenAfter: 30 * time.Second},
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := NewServer(demoSettings(), "http://"+ln.Addr().String(), time.Now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("httpchat: widget http://%s/  agents only: console http://%s/agent  outbox http://%s/outbox\n", ln.Addr(), ln.Addr(), ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	if err := run(ctx, ln, srv.Handler(), srv, t.C); err != nil {
		log.Fatal(err)
	}
}

// shutdownGrace is how long requests in flight get to finish on Ctrl-C.
const shutdownGrace = 5 * time.Second

// run serves h on ln and runs srv's due follow-ups at every tick until ctx
// is done (Ctrl-C), then stops in order: no new connections or jobs, the
// requests in flight get shutdownGrace to finish, and a follow-up being
// delivered finishes under its own deadline (see RunDue). It returns once
// both are done. If serving fails, it returns the error at once, and the
// caller ends the process.
func run(ctx context.Context, ln net.Listener, h http.Handler, srv *Server, ticks <-chan time.Time) error {
	var queue sync.WaitGroup
	queue.Go(func() { srv.deliverEvery(ctx, ticks) })
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	shutdown := make(chan error, 1)
	go func() {
		<-ctx.Done()
		grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		shutdown <- hs.Shutdown(grace)
	}()
	// Serve returns as soon as Shutdown begins; the drain ends later.
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	err := <-shutdown
	queue.Wait()
	if err != nil {
		return fmt.Errorf("httpchat: shutdown: %w", err)
	}
	return nil
}
