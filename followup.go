// Package followup runs follow-up notifications for chat platforms: when a
// customer leaves a support chat and an agent answers, the answer reaches the
// customer by KakaoTalk AlimTalk (or SMS) and email, using the contact
// details the chat bot collected.
//
// The package decides; the host stores and transports. Every decision is a
// pure function of values the host passes in, including the current time, so
// planning reads no clock, starts no goroutine and keeps no state of its own;
// only [Engine.Deliver] calls out, to the host's senders.
//
// # Settings
//
// [Settings] say which contact questions the bot asks (name, phone, email),
// whether the contact-required gate is on, and how text is sent. An admin
// page calls [Settings.Validate] when settings are saved; it reports every
// problem at once. Asking for a phone number turns on text follow-ups and
// needs a registered payment method; [Settings.Channels] says which channels
// an [Account] can use now, and why any are dropped.
//
// # Intake
//
// The bot asks the questions [Settings.Questions] lists and checks each answer
// with [ParsePhone], [ParseEmail] or [ParseName], or all of them at once with
// [Settings.ParseContact]. A refused answer is a [*FieldError] whose
// [FieldError.Message] is a reason the bot can show the customer in Korean,
// English or Japanese before asking again.
//
// # The gate
//
// [Settings.Admit] says whether a chat reaches the agents' inbox before the
// customer gives contact information, and [Settings.Leave] whether a
// customer who leaves is kept or discarded; both apply the settings'
// [policy.Gate]. The contact information the gate asks about is what
// [Settings.Reachable] accepts: an email address the settings send to, or a
// mobile number of an allowed country that the account can pay to text. A
// name alone is not contact information.
//
// # Following up
//
// An [Engine] holds a workspace's settings, its account and the host's
// senders ([notify.Senders]). After every agent reply or presence change
// the host calls [Engine.Plan] with a [Conversation] snapshot and the
// current time; the [Plan] says whether a follow-up is due, when, on which
// channels and under which [Key], or, as a [Reason], why not. Replies that
// arrive while a follow-up is pending join it ([Timing]). When the host's
// job for the plan fires, [Engine.Deliver] checks the conversation again,
// applies the rules of package policy to text (purpose, payment, opt-outs,
// country allowlist, caps, quiet hours), renders the messages with a
// [Renderer] in Korean, English or Japanese, sends them, and returns a
// [Result]: the report of every channel, the records to store ([Record]),
// and when the next step is due.
//
// # Privacy
//
// Phone numbers, email addresses and names are personal data. They never
// appear in an error string of this module; [Contact], [ContactInput] and
// [Phone] print with every fmt verb (but %p, which fmt handles without
// calling any method; go vet reports it for a value that is not a pointer)
// and log through slog masked values only ("+82 **-****-5678",
// "s***@example.com", "홍*동"), while their JSON form
// keeps the real values, because that is what a host stores. JSON without
// them is asked for explicitly: marshal [Contact.Masked].
// Contact data may be used only to answer the inquiry it was collected for
// ([policy.PurposeInquiry]); any other use needs the customer's separate
// consent. The engine enforces the purpose; which conversation a contact
// answers is the host's to say, by the Contact it passes (see
// [Contact.Inquiry]).
package followup
