package orgsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// BlobStore keeps plans and reports out of workflow history: activities
// put them here and pass their keys. Keys are slash-separated paths of
// letters, digits, '.', '_' and '-'. Put replaces a blob whole (readers
// never see half of one); Get of a missing key is an error wrapping
// ErrNotFound.
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// ErrNotFound is returned by Get for a key that was never put.
var ErrNotFound = errors.New("orgsync: blob not found")

var keySegment = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)

// checkKey refuses keys that could leave the store's directory.
func checkKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("orgsync: blob key %q: want 1 to 512 characters", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if !keySegment.MatchString(seg) || strings.Trim(seg, ".") == "" {
			return fmt.Errorf("orgsync: blob key %q: segment %q: want letters, digits, '.', '_' or '-', not starting with '.'", key, seg)
		}
	}
	return nil
}

// FileStore is a BlobStore in a directory, for one worker or a shared
// volume: each blob a file, written to a temporary file and renamed.
type FileStore struct {
	// Dir is the root directory; it is created on first Put.
	Dir string
}

// Put writes data under key atomically.
func (s FileStore) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path := filepath.Join(s.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("orgsync: storing %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".put-*")
	if err != nil {
		return fmt.Errorf("orgsync: storing %s: %w", key, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("orgsync: storing %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("orgsync: storing %s: %w", key, err)
	}
	return nil
}

// Get reads the blob under key.
func (s FileStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(key)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("orgsync: reading %s: %w", key, err)
	}
	return b, nil
}
