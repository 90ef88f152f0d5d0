// Package followup runs follow-up notifications for chat platforms: when a
// customer leaves a support chat and an agent answers, the answer reaches the
// customer by KakaoTalk AlimTalk (or SMS) and email, using the contact
// details the chat bot collected.
//
// The package decides; the host stores and transports. Every decision is a
// pure function of values the host passes in, including the current time, so
// the library reads no clock, starts no goroutine and keeps no state of its
// own.
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
// [policy.Gate] says whether a chat reaches the agents' inbox before the
// customer gives contact information, and whether a customer who leaves is
// kept or discarded. [Contact.Reachable] is the contact information it asks
// about: a phone number that can receive text or an email address; a name
// alone is not contact information.
//
// # Privacy
//
// Phone numbers, email addresses and names are personal data. They never
// appear in an error string of this module; [Contact] and [Phone] print and
// log masked values only ("+82 10-****-5678", "s***@example.com"), while
// their JSON form keeps the real values, because that is what a host stores.
// Contact data may be used only to answer the inquiry it was collected for
// ([policy.PurposeInquiry]); any other use needs the customer's separate
// consent.
package followup
