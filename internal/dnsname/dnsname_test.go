package dnsname

import "testing"

func TestTopLevel(t *testing.T) {
	for label, want := range map[string]bool{
		"com": true, "KR": true, "co": true, "xn--3e0b707e": true, "XN--3E0B707E": true,
		"": false, "c": false, "c0m": false, "123": false, "co-kr": false, "xn--": false, "5432": false,
	} {
		if got := TopLevel(label); got != want {
			t.Errorf("TopLevel(%q) = %v, want %v", label, got, want)
		}
	}
}
