package safecreate

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	errLost  = errors.New("connection reset after sending")
	errBusy  = errors.New("429")
	errFinal = errors.New("400 bad request")
)

func classify(err error) Outcome {
	switch err {
	case errLost:
		return Ambiguous
	case errBusy:
		return Retry
	}
	return Fail
}

// store simulates a server whose replies can be lost after the write.
type store struct {
	records []string
	replies []error // per send: nil, errLost (write then lose), errBusy, errFinal
	sends   int
	lookups int
	lookErr error
}

func (s *store) spec() Spec[string] {
	return Spec[string]{What: "create x", Attempts: 4, Classify: classify,
		Send: func(context.Context) (string, error) {
			r := s.replies[min(s.sends, len(s.replies)-1)]
			s.sends++
			if r == nil || r == errLost {
				s.records = append(s.records, "x")
			}
			if r != nil {
				return "", r
			}
			return "x", nil
		},
		Lookup: func(context.Context) (string, bool, error) {
			s.lookups++
			return "x", len(s.records) > 0, s.lookErr
		}}
}

func TestLostReplyIsFoundNotResent(t *testing.T) {
	s := &store{replies: []error{errLost}}
	got, err := Run(t.Context(), s.spec())
	require.NoError(t, err)
	assert.Equal(t, "x", got)
	assert.Equal(t, []string{"x"}, s.records)
	assert.Equal(t, 1, s.sends)
	assert.Equal(t, 1, s.lookups)
}

func TestRetryWithoutLookup(t *testing.T) {
	s := &store{replies: []error{errBusy, errBusy, nil}}
	_, err := Run(t.Context(), s.spec())
	require.NoError(t, err)
	assert.Equal(t, 3, s.sends)
	assert.Zero(t, s.lookups)
}

func TestFinalErrorStops(t *testing.T) {
	s := &store{replies: []error{errFinal}}
	_, err := Run(t.Context(), s.spec())
	require.ErrorIs(t, err, errFinal)
	assert.Equal(t, 1, s.sends)
}

func TestGivesUpAndWraps(t *testing.T) {
	s := &store{replies: []error{errBusy}}
	_, err := Run(t.Context(), s.spec())
	require.ErrorIs(t, err, errBusy)
	assert.Contains(t, err.Error(), "create x: gave up after 4 attempts")
	assert.Equal(t, 4, s.sends)
}

func TestLookupFailureIsReported(t *testing.T) {
	s := &store{replies: []error{errLost}, lookErr: errors.New("lookup 500")}
	_, err := Run(t.Context(), s.spec())
	require.Error(t, err)
	assert.ErrorIs(t, err, errLost)
	assert.Contains(t, err.Error(), "outcome unknown")
	assert.Contains(t, err.Error(), "lookup 500")
}

func TestFoundRecordThatIsNotOursIsAConflict(t *testing.T) {
	s := &store{replies: []error{errLost}}
	spec := s.spec()
	spec.Mismatch = func(string) string {
		return Differences(Pair{Name: "email", Sent: "a@x.io", Found: "b@x.io", Fold: true})
	}
	spec.ID = func(string) string { return "id-1" }
	_, err := Run(t.Context(), spec)
	var ex *ExistingRecordError
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, "id-1", ex.ID)
	assert.Equal(t, `email is "b@x.io", not "a@x.io"`, ex.Differs)
	assert.Equal(t, 1, s.sends, "not sent again")
}

func TestDifferences(t *testing.T) {
	assert.Equal(t, "", Differences(Pair{Name: "email", Sent: " A@X.io", Found: "a@x.io ", Fold: true}, Pair{Name: "n", Sent: "", Found: "x"}))
	assert.Equal(t, `n is "b", not "B"`, Differences(Pair{Name: "n", Sent: "B", Found: "b"}))
}
