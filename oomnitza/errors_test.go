package oomnitza_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

// A PATCH whose reply is lost is a typed error that says it may have been
// applied and how many attempts were made.
func TestLostPatchReplyIsATypedOutcomeUnknown(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	id, err := srv.AddRecord(oomnitza.Record{"username": "ada@example.com", "role": 25})
	require.NoError(t, err)
	srv.Inject("PATCH /api/v3/users/{ident}", oomnitzatest.FaultReset, oomnitzatest.FaultReset, oomnitzatest.FaultReset,
		oomnitzatest.FaultReset, oomnitzatest.FaultReset, oomnitzatest.FaultReset, oomnitzatest.FaultReset)
	_, err = c.Users.Update(t.Context(), id, oomnitza.Record{"position": "CTO"})
	require.Error(t, err)
	var rq *oomnitza.RequestError
	require.True(t, errors.As(err, &rq), "got %T", err)
	assert.True(t, rq.Sent)
	assert.GreaterOrEqual(t, rq.Attempts, 1)
	assert.ErrorIs(t, err, oomnitza.ErrOutcomeUnknown)
	assert.True(t, strings.HasPrefix(err.Error(), "oomnitza: PATCH /api/v3/users/"+id+": "), err.Error())
	assert.Contains(t, err.Error(), "(the request may have been applied)")
}

// A read that keeps failing says how many attempts were made and is not
// an unknown outcome (reads apply nothing).
func TestFailedReadSaysHowManyAttempts(t *testing.T) {
	srv, c := fakeClient(t, nil, oomnitza.WithRetries(2))
	srv.Inject("GET /api/v3/users", oomnitzatest.FaultReset, oomnitzatest.FaultReset, oomnitzatest.FaultReset)
	_, err := c.Users.List(t.Context(), nil)
	var rq *oomnitza.RequestError
	require.True(t, errors.As(err, &rq), "got %T: %v", err, err)
	assert.Equal(t, 3, rq.Attempts)
	assert.NotErrorIs(t, err, oomnitza.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "after 3 attempts")

	srv.Inject("GET /api/v3/users", oomnitzatest.Fault503, oomnitzatest.Fault503, oomnitzatest.Fault503)
	_, err = c.Users.List(t.Context(), nil)
	var oe *oomnitza.Error
	require.True(t, errors.As(err, &oe))
	assert.Equal(t, 3, oe.Attempts)
	assert.Contains(t, err.Error(), "(after 3 attempts)")
}

// An untrusted certificate is not retried: sending again cannot fix it.
func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	calls := 0
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	defer ts.Close()
	c, err := oomnitza.NewClient(ts.URL, "tok", oomnitza.WithRetries(3))
	require.NoError(t, err)
	_, err = c.Users.List(t.Context(), nil)
	var rq *oomnitza.RequestError
	require.True(t, errors.As(err, &rq), "got %T: %v", err, err)
	assert.Equal(t, 1, rq.Attempts)
	assert.Contains(t, err.Error(), "certificate")
	assert.Zero(t, calls)
}

// WithHTTPClient honours the caller's Timeout for each attempt.
func TestWithHTTPClientKeepsItsTimeout(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer ts.Close()
	c, err := oomnitza.NewClient(ts.URL, "tok", oomnitza.WithRetries(0), oomnitza.WithHTTPClient(&http.Client{Timeout: 20 * time.Millisecond}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = c.Users.List(ctx, nil)
	require.Error(t, err)
	assert.NoError(t, ctx.Err(), "the attempt timed out, not the context")
	var ne net.Error
	require.True(t, errors.As(err, &ne), "got %T: %v", err, err)
	assert.True(t, ne.Timeout())
}

// Credentials that cannot travel in a header are refused at construction,
// and the message never shows them.
func TestCredentialWithControlCharactersIsRefused(t *testing.T) {
	for _, tok := range []string{"abc\ndef", "abc\r\nX-Evil: 1", "a\x00b", " padded "} {
		_, err := oomnitza.NewClient("https://acme.oomnitza.com", tok)
		require.Error(t, err, "%q", tok)
		assert.NotContains(t, err.Error(), strings.TrimSpace(tok))
		assert.Contains(t, err.Error(), "the value is not shown")
	}
}
