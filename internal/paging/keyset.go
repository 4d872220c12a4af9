package paging

import "hash/maphash"

// keySet is the set of keys a listing has yielded. It holds no pointers
// (keys are copied into one byte arena, indexed by their hash), so the
// garbage collector never scans it: a listing of 100,000 records does not
// make every collection walk 100,000 strings. Lookups compare the key
// bytes, so two keys with one hash are still told apart.
type keySet struct {
	hash    func(string) uint64
	index   map[uint64]int32 // hash -> first entry with it
	entries []keyEntry
	arena   []byte
}

type keyEntry struct {
	off, len uint32
	next     int32 // next entry with the same hash, or -1
}

func newKeySet() *keySet {
	seed := maphash.MakeSeed()
	return &keySet{hash: func(k string) uint64 { return maphash.String(seed, k) }, index: map[uint64]int32{}}
}

// grow makes room for n keys in all.
func (s *keySet) grow(n int) {
	if n <= len(s.entries) {
		return
	}
	index := make(map[uint64]int32, n)
	for h, i := range s.index {
		index[h] = i
	}
	s.index = index
	entries := make([]keyEntry, len(s.entries), n)
	copy(entries, s.entries)
	s.entries = entries
}

func (s *keySet) len() int { return len(s.entries) }

// add adds k and reports whether it was new.
func (s *keySet) add(k string) bool {
	h := s.hash(k)
	first, ok := s.index[h]
	if ok {
		for i := first; i >= 0; i = s.entries[i].next {
			e := s.entries[i]
			if string(s.arena[e.off:e.off+e.len]) == k {
				return false
			}
		}
	} else {
		first = -1
	}
	s.entries = append(s.entries, keyEntry{off: uint32(len(s.arena)), len: uint32(len(k)), next: first})
	s.arena = append(s.arena, k...)
	s.index[h] = int32(len(s.entries) - 1)
	return true
}
