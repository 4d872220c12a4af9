// Command jcoom runs the jcoom SDK against real JumpCloud and Oomnitza
// tenants: plan a sync and review it, apply exactly that plan, sync on a
// schedule, run the JumpCloud workflow presets, and check or draft a
// mapping against the live schema. `jcoom fake` starts both fakes on
// loopback so that every command can be tried with no account.
//
// Credentials come only from the environment, never from flags:
//
//	JUMPCLOUD_API_KEY    JumpCloud API key (required for commands that read JumpCloud)
//	JUMPCLOUD_ORG_ID     organisation id, for multi-tenant administrators
//	JUMPCLOUD_BASE_URL   e.g. https://console.eu.jumpcloud.com (default: the US console)
//	OOMNITZA_URL         e.g. https://acme.oomnitza.com
//	OOMNITZA_API_TOKEN   Oomnitza API token
//
// Exit status: 0 when everything succeeded, 1 when something failed (a
// partial sync, a failed preset, an API error), 2 on bad usage, a missing
// variable, a draft mapping, a refused plan or an unconfirmed run, 3 when
// a deprovision threshold stopped the run.
//
//	go run ./examples/jcoom --help
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // --timezone works where the system has no zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}
