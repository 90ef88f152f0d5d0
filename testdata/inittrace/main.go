// Command inittrace imports every package of the library and does nothing,
// so that GODEBUG=inittrace=1 shows what importing them costs at init.
// TestNoWorkAtInit runs it.
package main

import (
	_ "github.com/followup-go/followup"
	_ "github.com/followup-go/followup/notify"
	_ "github.com/followup-go/followup/notify/notifytest"
	_ "github.com/followup-go/followup/policy"
)

func main() {}
