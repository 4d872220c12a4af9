package jumpcloudtest

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

// Inject scripts faults: the next requests to route (a key of Calls, such
// as "POST /api/systemusers"; "" for any route) get these faults, one each,
// in order.
func (s *Server) Inject(route string, faults ...Fault) { s.plumbing.Inject(route, faults...) }

// Calls returns how many requests each route received, keyed like
// "GET /api/systemusers" or "POST /api/systemusers/{id}/unlock".
func (s *Server) Calls() map[string]int { return s.plumbing.Calls() }

// ResetCalls zeroes the counters.
func (s *Server) ResetCalls() { s.plumbing.ResetCalls() }
