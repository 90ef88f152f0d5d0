package notify

import (
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/followup-go/followup/internal/enumname"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"
)

// The limits Korean carriers and Kakao put on messages, in one place. The
// messages' Validate methods check the first five. The last two vary more
// between providers (a template id of some vendors is longer than NHN
// Cloud's 20 bytes), so Validate leaves them to the provider, and
// followup.Settings.Validate checks the settings against them. They are
// constants, so no one can change them under a running dispatcher; a host
// whose carrier differs checks its own limit before it builds the message.
const (
	// SMSMaxBytes is the longest SMS text, in EUC-KR bytes. Longer text
	// goes as LMS.
	SMSMaxBytes = 90
	// LMSMaxBytes is the longest LMS text, in EUC-KR bytes. Longer text is
	// refused.
	LMSMaxBytes = 2000
	// LMSSubjectMaxBytes is the longest LMS subject, in EUC-KR bytes.
	LMSSubjectMaxBytes = 40
	// AlimTalkMaxRunes is the longest filled AlimTalk text, in characters.
	AlimTalkMaxRunes = 1000
	// AlimTalkMaxButtons is how many buttons an AlimTalk message may carry.
	AlimTalkMaxButtons = 5
	// TemplateCodeMaxLen is the longest AlimTalk template code, in bytes
	// (NHN Cloud's limit; the settings check it, [AlimTalk.Validate] does
	// not).
	TemplateCodeMaxLen = 20
	// SenderNumberMinDigits and SenderNumberMaxDigits bound a registered
	// SMS sender number (the settings check it, [SMS.Validate] does not).
	SenderNumberMinDigits = 8
	SenderNumberMaxDigits = 11
)

// unencodableBytes is what a character EUC-KR cannot encode counts for.
// Carriers replace such a character (usually with "?") or drop it; counting
// two bytes, as many as a Hangul syllable, keeps the SMS/LMS decision on the
// safe side.
const unencodableBytes = 2

// The Hangul syllables block. The EUC-KR encoder of golang.org/x/text is the
// CP949 (Unified Hangul Code) superset Korean carriers use, which encodes
// every one of these 11,172 syllables in two bytes; a test checks each one
// against the encoder. EUCKRLen counts them without calling the encoder,
// since they are most of a Korean text.
const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
)

// EUCKRLen returns the length of s in EUC-KR bytes, as Korean carriers count
// it (ASCII 1 byte, Hangul and the other characters of KS X 1001 and CP949 2
// bytes), and how many of its characters EUC-KR cannot encode, such as
// emoji. Each of those counts as 2 bytes, the most a carrier's substitute
// for it can take; carriers may drop or replace them, so a host may want to
// warn about them (see [Unencodable]). Each byte of invalid UTF-8 counts as
// an unencodable character.
//
// The encoder is korean.EUCKR of golang.org/x/text. EUCKRLen does not
// allocate.
func EUCKRLen(s string) (n, unencodable int) {
	var enc *encoder // from the pool on the first character that needs it
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		// A Hangul syllable is three bytes, led by 0xEA to 0xED.
		if 0xEA <= c && c <= 0xED && i+2 < len(s) {
			r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			if s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && hangulFirst <= r && r <= hangulLast {
				n += 2
				i += 3
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		if enc == nil {
			enc = encoders.Get().(*encoder)
		}
		if m := enc.len(s[i : i+size]); m > 0 {
			n += m
		} else {
			n += unencodableBytes
			unencodable++
		}
		i += size
	}
	if enc != nil {
		encoders.Put(enc)
	}
	return n, unencodable
}

// An encoder is a reusable EUC-KR encoder with its buffer, so that encoding
// one character does not allocate.
type encoder struct {
	t   transform.Transformer
	buf [12]byte // the first half is the output, the second the input
}

// encoders recycles encoders: making one allocates, and EUCKRLen runs for
// every text message.
var encoders = sync.Pool{New: func() any { return &encoder{t: korean.EUCKR.NewEncoder()} }}

// len returns the EUC-KR length of one character, or 0 if EUC-KR cannot
// encode it (or it is invalid UTF-8).
func (e *encoder) len(char string) int {
	e.t.Reset()
	k := copy(e.buf[6:], char)
	nDst, _, err := e.t.Transform(e.buf[:6], e.buf[6:6+k], true)
	if err != nil {
		return 0
	}
	return nDst
}

// Unencodable returns the characters of s that EUC-KR cannot encode, in the
// order they first appear, each once. Carriers may drop or replace them in
// SMS and LMS. Invalid UTF-8 is reported as [utf8.RuneError].
func Unencodable(s string) []rune {
	var out []rune
	var seen map[rune]struct{} // out's characters, once it holds many
	var enc *encoder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		char := s[i : i+size]
		i += size
		if r < utf8.RuneSelf || hangulFirst <= r && r <= hangulLast {
			continue
		}
		if enc == nil {
			enc = encoders.Get().(*encoder)
		}
		if enc.len(char) > 0 {
			continue
		}
		// A few distinct characters are found by a scan of out; past
		// that, a set keeps text full of them (an agent pasting a page of
		// rare Hanja) linear.
		switch {
		case seen != nil:
			if _, dup := seen[r]; dup {
				continue
			}
			seen[r] = struct{}{}
		case slices.Contains(out, r):
			continue
		case len(out) == 16:
			seen = make(map[rune]struct{}, 64)
			for _, o := range out {
				seen[o] = struct{}{}
			}
			seen[r] = struct{}{}
		}
		out = append(out, r)
	}
	if enc != nil {
		encoders.Put(enc)
	}
	return out
}

// TextKind says how a Korean text message goes out.
type TextKind uint8

// The kinds of text message.
const (
	// KindSMS is a short message: at most [SMSMaxBytes], no subject.
	KindSMS TextKind = iota + 1
	// KindLMS is a long message: at most [LMSMaxBytes], with a subject.
	KindLMS
)

// textKindText is TextKind's text form: its names, indexed by value.
var textKindText = enumname.Text[TextKind]{
	Type:  "TextKind",
	Err:   &ErrUnknownName,
	Names: []string{KindSMS: "sms", KindLMS: "lms"},
}

// String returns "sms" or "lms", or "TextKind(N)" for a value that is
// neither.
func (k TextKind) String() string { return textKindText.String(k) }

// MarshalText implements [encoding.TextMarshaler]: "sms" or "lms", and ""
// for the zero TextKind (not known, as [KindOf] returns it with an error).
// Another value is an error wrapping [ErrUnknownName].
func (k TextKind) MarshalText() ([]byte, error) { return textKindText.Marshal(k) }

// UnmarshalText implements [encoding.TextUnmarshaler]: "sms" or "lms" in
// any case; "" is the zero TextKind. Another text is an error wrapping
// [ErrUnknownName].
func (k *TextKind) UnmarshalText(text []byte) error { return textKindText.Unmarshal(text, k) }

// KindOf returns how text goes out by its EUC-KR length ([EUCKRLen]): SMS
// up to [SMSMaxBytes], LMS up to [LMSMaxBytes]. Longer text is refused with
// an error wrapping [ErrTooLong].
func KindOf(text string) (TextKind, error) {
	n, _ := EUCKRLen(text)
	return kindOfLen(n)
}

func kindOfLen(n int) (TextKind, error) {
	switch {
	case n <= SMSMaxBytes:
		return KindSMS, nil
	case n <= LMSMaxBytes:
		return KindLMS, nil
	}
	return 0, tooLong("sms text", n, LMSMaxBytes, "bytes")
}
