package jumpcloudtest

// Fault is a failure the server can inject into a request.
type Fault int

// The faults. FaultCommitThenDrop applies the request and then drops the
// connection, so the client cannot know whether it worked.
const (
	FaultNone Fault = iota
	Fault500
	Fault502
	Fault503
	// FaultReset drops the connection before the request is handled.
	FaultReset
	// FaultCommitThenDrop handles the request, then drops the connection.
	FaultCommitThenDrop
	// FaultSlowBody sends the reply in chunks with pauses (WithSlowBody).
	FaultSlowBody
)

var faultNames = [...]string{"none", "500", "502", "503", "reset", "commit-then-drop", "slow-body"}

// String names the fault.
func (f Fault) String() string {
	if int(f) < len(faultNames) && f >= 0 {
		return faultNames[f]
	}
	return "fault(?)"
}

type scripted struct {
	route string
	fault Fault
}

// Inject scripts faults: the next requests to route (a key of Calls, such
// as "POST /api/systemusers"; "" for any route) get these faults, one each,
// in order.
func (s *Server) Inject(route string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		s.script = append(s.script, scripted{route, f})
	}
}

// nextFault picks the fault for a request (s.mu held).
func (s *Server) nextFault(route string) Fault {
	for i, sc := range s.script {
		if sc.route == "" || sc.route == route {
			s.script = append(s.script[:i], s.script[i+1:]...)
			return sc.fault
		}
	}
	if s.faultProb > 0 && len(s.faultKind) > 0 && s.rng.Float64() < s.faultProb {
		return s.faultKind[s.rng.IntN(len(s.faultKind))]
	}
	return FaultNone
}
