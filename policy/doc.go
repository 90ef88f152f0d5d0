// Package policy holds the rules of follow-up notifications that need no I/O:
// each is a pure function of the values and the time the caller passes in.
// Nothing here reads a clock, keeps state or talks to the network.
//
// # The contact gate
//
// [Gate] says whether a chat reaches the agents' inbox before the customer
// gives contact information ([Gate.Admit]: [Open] or [AwaitContact]) and
// what happens when the customer leaves ([Gate.Leave]: [Keep] or
// [Discard]). Its mode is off, always, or outside office hours only; office
// hours are a weekly [Schedule] of [Hours] in a [Zone].
//
// # Payment
//
// Text messages cost money. [Payable] is the one place that says a text
// channel needs a registered payment method ([ErrPaymentMethodRequired]);
// settings validation and the effective channels both ask it.
//
// # Purpose and consent
//
// Contact information collected for follow-ups may be used only to answer
// the inquiry it was collected for ([PurposeInquiry]). [Permit] refuses any
// other [Purpose] unless a [Consent] for exactly that purpose is in force
// ([ErrConsentRequired]).
//
// # Guards on text
//
// SMS pumping turns a form that sends texts into a money pump. [Geofence]
// allows text only to the workspace's own region unless more are listed;
// [Caps] bound the texts per recipient and per workspace over a window,
// counted from the history the caller passes (complete, and with each send
// recorded before it is dispatched: the package keeps no count and reserves
// nothing); [QuietHours] defer a text to the end of the recipient's night.
package policy
