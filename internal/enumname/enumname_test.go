package enumname

import "testing"

func TestLookups(t *testing.T) {
	names := []string{"", "due", "", "alimTalk"}
	if s := String(names, 1, "Reason"); s != "due" {
		t.Errorf("String(1) = %q", s)
	}
	for _, i := range []int{0, 2, 9} {
		if s, want := String(names, i, "Reason"), "Reason("+string(rune('0'+i))+")"; s != want {
			t.Errorf("String(%d) = %q, want %q", i, s, want)
		}
	}
	for i, want := range map[int]string{0: "", 1: "due", 3: "alimTalk"} {
		if b, ok := Name(names, i); !ok || string(b) != want {
			t.Errorf("Name(%d) = %q, %v; want %q", i, b, ok, want)
		}
	}
	for _, i := range []int{2, 4} {
		if _, ok := Name(names, i); ok {
			t.Errorf("Name(%d) has a name", i)
		}
	}
	for text, want := range map[string]int{"": 0, "DUE": 1, "alimtalk": 3, "ALIMTALK": 3} {
		if i, ok := Index(names, []byte(text)); !ok || i != want {
			t.Errorf("Index(%q) = %d, %v; want %d", text, i, ok, want)
		}
	}
	for _, text := range []string{"alimtal\u212a", "du", "dues", "x"} {
		if i, ok := Index(names, []byte(text)); ok {
			t.Errorf("Index(%q) = %d: want no match", text, i)
		}
	}
}
