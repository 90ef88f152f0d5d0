package notify

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"
)

// The limits Korean carriers and Kakao put on messages, in one place. Every
// check in this package reads them from here.
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
)

// unencodableBytes is what a character EUC-KR cannot encode counts for.
// Carriers replace or drop such characters; counting two bytes, as many as a
// Hangul syllable, keeps the SMS/LMS decision on the safe side.
const unencodableBytes = 2

// EUCKRLen returns the length of s in EUC-KR bytes, as Korean carriers count
// it (ASCII 1 byte, Hangul and the other KS X 1001 characters 2), and how
// many of its characters EUC-KR cannot encode, such as emoji. Each of those
// counts as 2 bytes; carriers may drop or replace them, so a host may want
// to warn about them (see [Unencodable]). Invalid UTF-8 counts as
// unencodable characters too.
func EUCKRLen(s string) (n, unencodable int) {
	var enc transform.Transformer // made on the first non-ASCII character
	var buf []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		if enc == nil {
			c := encoders.Get().(*encoder)
			defer encoders.Put(c)
			enc, buf = c.t, c.buf[:]
		}
		if m := encodeEUCKR(enc, buf, s[i:i+size]); m > 0 {
			n += m
		} else {
			n += unencodableBytes
			unencodable++
		}
		i += size
	}
	return n, unencodable
}

// An encoder is a reusable EUC-KR encoder with its buffer.
type encoder struct {
	t   transform.Transformer
	buf [16]byte
}

// encoders recycles encoders: making one allocates, and EUCKRLen runs for
// every text message.
var encoders = sync.Pool{New: func() any { return &encoder{t: korean.EUCKR.NewEncoder()} }}

// encodeEUCKR returns the EUC-KR length of one character, or 0 if EUC-KR
// cannot encode it.
//
// buf holds 16 bytes: the first half is the output, the second the input,
// so one allocation serves a whole string.
func encodeEUCKR(enc transform.Transformer, buf []byte, char string) int {
	enc.Reset()
	k := copy(buf[8:], char)
	nDst, _, err := enc.Transform(buf[:8], buf[8:8+k], true)
	if err != nil {
		return 0
	}
	return nDst
}

// Unencodable returns the characters of s that EUC-KR cannot encode, in the
// order they appear, each once. Carriers may drop or replace them in SMS and
// LMS.
func Unencodable(s string) []rune {
	var out []rune
	buf := make([]byte, 16)
	enc := korean.EUCKR.NewEncoder()
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		var b [utf8.UTFMax]byte
		k := utf8.EncodeRune(b[:], r)
		if encodeEUCKR(enc, buf, string(b[:k])) > 0 {
			continue
		}
		seen := false
		for _, o := range out {
			if o == r {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, r)
		}
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

// String returns "sms" or "lms".
func (k TextKind) String() string {
	switch k {
	case KindSMS:
		return "sms"
	case KindLMS:
		return "lms"
	}
	return "TextKind(" + string(rune('0'+k)) + ")"
}

// KindOf returns how text goes out by its EUC-KR length: SMS up to
// [SMSMaxBytes], LMS up to [LMSMaxBytes]. Longer text is refused with an
// error wrapping [ErrTooLong].
func KindOf(text string) (TextKind, error) {
	n, _ := EUCKRLen(text)
	switch {
	case n <= SMSMaxBytes:
		return KindSMS, nil
	case n <= LMSMaxBytes:
		return KindLMS, nil
	}
	return 0, tooLong("sms text", n, LMSMaxBytes, "bytes")
}
