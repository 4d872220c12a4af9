package sync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	jcsync "github.com/jcoom/jcoom/sync"
)

func TestInitialSyncThenRerunWritesNothing(t *testing.T) {
	w := newWorld(t, 1000, worldOpts{})
	s := w.syncer(t, standard())
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	assert.Equal(t, 1000, rep.Counts.Created, rep.Summary())
	assert.Equal(t, 1000, w.osrv.Len())
	t.Log(rep.Summary())

	w.osrv.ResetCalls()
	w.jsrv.ResetCalls()
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	assert.Equal(t, 1000, rep.Counts.Unchanged, rep.Summary())
	assert.Zero(t, writes(w.osrv.Calls()), "%v", w.osrv.Calls())
	_ = jcsync.OpCreate
}
