package oomnitzatest

import "github.com/jcoom/jcoom/internal/fakehttp"

// Fault is a failure the server can inject into a request.
type Fault = fakehttp.Fault

// The faults. FaultCommitThenDrop applies the request and then drops the
// connection, so the client cannot know whether it worked.
const (
	FaultNone           = fakehttp.FaultNone
	Fault500            = fakehttp.Fault500
	Fault502            = fakehttp.Fault502
	Fault503            = fakehttp.Fault503
	FaultReset          = fakehttp.FaultReset
	FaultCommitThenDrop = fakehttp.FaultCommitThenDrop
	FaultSlowBody       = fakehttp.FaultSlowBody
)
