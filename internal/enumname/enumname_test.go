package enumname

import (
	"errors"
	"strings"
	"testing"
)

type reason uint8

var errUnknown = errors.New("test: unknown reason")

var reasonText = Text[reason]{
	Type:  "Reason",
	Err:   &errUnknown,
	Names: []string{1: "due", 3: "alimTalk"},
}

func TestTextString(t *testing.T) {
	for v, want := range map[reason]string{1: "due", 3: "alimTalk", 0: "Reason(0)", 2: "Reason(2)", 9: "Reason(9)"} {
		if s := reasonText.String(v); s != want {
			t.Errorf("String(%d) = %q, want %q", v, s, want)
		}
	}
}

func TestTextMarshal(t *testing.T) {
	for v, want := range map[reason]string{0: "", 1: "due", 3: "alimTalk"} {
		if b, err := reasonText.Marshal(v); err != nil || string(b) != want {
			t.Errorf("Marshal(%d) = %q, %v; want %q", v, b, err, want)
		}
	}
	for _, v := range []reason{2, 4, 255} {
		b, err := reasonText.Marshal(v)
		if !errors.Is(err, errUnknown) || b != nil {
			t.Errorf("Marshal(%d) = %q, %v; want an error wrapping errUnknown", v, b, err)
		} else if !strings.Contains(err.Error(), "Reason(") {
			t.Errorf("Marshal(%d): %q does not name the value", v, err)
		}
	}
}

func TestTextUnmarshal(t *testing.T) {
	for text, want := range map[string]reason{"": 0, "DUE": 1, "due": 1, "alimtalk": 3, "ALIMTALK": 3} {
		v := reason(7)
		if err := reasonText.Unmarshal([]byte(text), &v); err != nil || v != want {
			t.Errorf("Unmarshal(%q) = %d, %v; want %d", text, v, err, want)
		}
	}
	// A Kelvin sign folds to k in Unicode, not in ASCII; "" entries name
	// nothing; a prefix or an extension of a name is not the name.
	for _, text := range []string{"alimtal\u212a", "du", "dues", "x", "Reason(1)"} {
		v := reason(7)
		err := reasonText.Unmarshal([]byte(text), &v)
		if !errors.Is(err, errUnknown) || v != 7 {
			t.Errorf("Unmarshal(%q) = %d, %v; want *v untouched and an error wrapping errUnknown", text, v, err)
		} else if strings.Contains(err.Error(), text) {
			t.Errorf("Unmarshal(%q): the error %q repeats the text", text, err)
		}
	}
}

func TestIndex(t *testing.T) {
	days := []string{"sun", "mon"}
	if i, ok := Index(days, []byte("MON")); !ok || i != 1 {
		t.Errorf("Index(MON) = %d, %v", i, ok)
	}
	if i, ok := Index(days, nil); !ok || i != 0 {
		t.Errorf("Index(\"\") = %d, %v", i, ok)
	}
	if _, ok := Index(days, []byte("tue")); ok {
		t.Error("Index(tue) matched")
	}
}
