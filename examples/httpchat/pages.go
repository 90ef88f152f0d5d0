package main

import (
	"html/template"
	"net/http"
	"sort"
	"time"
)

// widgetTemplate is the customer's chat widget: it asks the bot's
// questions, shows the reason when an answer is refused, shows the
// conversation as it goes, and reports presence (page visible, focused,
// left) to the server. The page's address names its chat (#chat=ID), so a
// reload or the follow-up's link opens the same chat again, in the browser
// that holds the chat's cookie; anywhere else the id opens nothing and the
// widget starts a new chat.
var widgetTemplate = template.Must(template.New("widget").Parse(`<!doctype html>
<html lang="ko"><meta charset="utf-8"><title>Chat</title>
<h1>Chat with Example Shop</h1>
<div id="log"></div>
<form id="ask"><label id="q"></label> <input id="a" autocomplete="off"> <button>Send</button></form>
<p id="why" role="alert"></p>
<script>
` + widgetScript + `
</script>
</html>`))

// widgetScript is the widget's code, kept apart so that a test can check
// its syntax.
const widgetScript = `const locale = navigator.language || "en";
let chat, questions = [], i = 0;
const post = (path, body) => fetch(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)}).then(r => r.json().then(j => [r.status, j]));
// presence reports the page open, and focused when it is in view and has
// the focus: a background tab is open but not focused (the engine waits
// Timing.HiddenAfter for it). Only pagehide reports the page closed.
const presence = () => chat && post("/api/chats/" + chat + "/presence",
  {open: true, focused: document.visibilityState === "visible" && document.hasFocus(), active: true});
function show(messages) {
  document.getElementById("log").replaceChildren(...(messages || []).map(m => {
    const p = document.createElement("p");
    p.textContent = (m.FromCustomer ? "You" : m.Author || "Agent") + ": " + m.Text;
    return p;
  }));
}
// refresh shows the chat's messages; false when the chat does not open
// (another browser, or the server forgot it).
async function refresh(id) {
  const r = await fetch("/api/chats/" + id);
  if (!r.ok) return false;
  show((await r.json()).messages);
  return true;
}
async function start() {
  const m = /^#chat=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m && await refresh(m[1])) {
    chat = m[1]; next(); presence();
    return;
  }
  const [, j] = await post("/api/chats", {locale});
  chat = j.id; questions = j.questions || [];
  history.replaceState(null, "", "#chat=" + chat);
  next();
}
function next() {
  document.getElementById("q").textContent = i < questions.length ? "Your " + questions[i] + ":" : "Message:";
}
document.getElementById("ask").onsubmit = async (e) => {
  e.preventDefault();
  const v = document.getElementById("a").value;
  const why = document.getElementById("why");
  if (i < questions.length) {
    const [status, j] = await post("/api/chats/" + chat + "/answers", {field: questions[i], value: v});
    if (status !== 200) { why.textContent = j.message || j.error; return; }
    why.textContent = ""; i++;
  } else {
    await post("/api/chats/" + chat + "/messages", {text: v});
  }
  document.getElementById("a").value = ""; next(); refresh(chat);
};
document.addEventListener("visibilitychange", presence);
window.addEventListener("focus", presence);
window.addEventListener("blur", presence);
window.addEventListener("pageshow", (e) => { if (e.persisted) presence(); }); // back from the back-forward cache
window.addEventListener("pagehide", () => chat && navigator.sendBeacon("/api/chats/" + chat + "/presence",
  new Blob([JSON.stringify({open: false, focused: false})], {type: "application/json"})));
// The agent's replies appear while the page is in view.
setInterval(() => { if (chat && document.visibilityState !== "hidden") refresh(chat); }, 3000);
start();`

// staffOnly is the note on the agent's pages.
const staffOnly = `<p><strong>Agents only.</strong> This page shows every customer's chat; it is open because the demo has no login, and a real host serves it behind its staff login.</p>`

// agentTemplate is the agent's console: the inbox of admitted chats and a
// reply box for each.
var agentTemplate = template.Must(template.New("agent").Parse(`<!doctype html>
<html><meta charset="utf-8"><title>Inbox</title>
<h1>Inbox</h1>
` + staffOnly + `
{{range .}}<section id="{{.ID}}">
<h2>{{.ID}} {{.Contact}}</h2>
{{range .Messages}}<p>{{if .FromCustomer}}Customer{{else}}{{.Author}}{{end}}: {{.Text}}</p>{{end}}
<form method="post" action="/agent/chats/{{.ID}}/reply"><input name="text"> <button>Reply</button></form>
</section>{{else}}<p>No open chats.</p>{{end}}
</html>`))

// outboxTemplate lists the follow-ups the engine delivered.
var outboxTemplate = template.Must(template.New("outbox").Parse(`<!doctype html>
<html><meta charset="utf-8"><title>Outbox</title>
<h1>Delivered follow-ups</h1>
` + staffOnly + `
{{range .}}<article><h2>{{.Channel}} to {{.To}}</h2><p>key {{.Key}}</p>{{if .Subject}}<p>{{.Subject}}</p>{{end}}<pre>{{.Text}}</pre></article>
{{else}}<p>Nothing sent yet.</p>{{end}}
</html>`))

// staffHeaders forbid other pages to frame an agent's page, where a
// hidden frame could trick the agent into clicking Reply.
func staffHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
}

// widgetPage serves the customer's widget.
func (s *Server) widgetPage(w http.ResponseWriter, r *http.Request) {
	_ = widgetTemplate.Execute(w, nil)
}

// inboxRow is one chat on the console. Contact shows masked values.
type inboxRow struct {
	ID       string
	opened   time.Time
	Contact  string
	Messages []message
}

// agentPage serves the console: the inbox of admitted chats, oldest first.
func (s *Server) agentPage(w http.ResponseWriter, r *http.Request) {
	staffHeaders(w)
	s.mu.Lock()
	var rows []inboxRow
	for _, c := range s.chats {
		if c.admitted { // under the gate, only chats with contact information
			rows = append(rows, inboxRow{ID: c.id, opened: c.opened, Contact: c.contact.String(), Messages: append([]message(nil), c.messages...)})
		}
	}
	s.mu.Unlock()
	// Oldest first; ids are random, so they only break ties.
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].opened.Equal(rows[j].opened) {
			return rows[i].opened.Before(rows[j].opened)
		}
		return rows[i].ID < rows[j].ID
	})
	_ = agentTemplate.Execute(w, rows)
}

// outboxPage lists what the in-memory senders sent.
func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) {
	staffHeaders(w)
	_ = outboxTemplate.Execute(w, s.Outbox())
}
