package store

import (
	"sync"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// peopleCache keeps people decoded as they were last committed, so that
// loading one who is cached needs neither a read transaction nor a
// decode. Every write of a person goes through putPerson or forget,
// which update the entry when — and only if — their transaction commits,
// so an entry is never older than the file (bbolt's lock keeps any other
// process from writing it).
//
// Each entry carries the id of the transaction it came from. bbolt runs
// commit handlers after it lets the next writer in, so two handlers for
// the same person could run out of order; the id makes the older one a
// no-op. A forgotten person leaves a tombstone with the id of the
// transaction that deleted them, so that an older write landing late
// cannot bring them back; and evicting an entry raises floor, below which
// nothing is taken in any more without an entry to compare with.
type peopleCache struct {
	mu    sync.Mutex
	m     map[bot.PersonID]cachedPerson
	floor uint64
}

type cachedPerson struct {
	tx uint64
	p  *bot.Person // nil for a tombstone; never changed once cached
}

// cacheMax bounds the cache: a decoded person is a few kilobytes, so
// this is some 10 MB at most, and covers everyone active at once in a
// large deployment.
const cacheMax = 4096

// get returns a copy of the person as last committed, if cached.
func (c *peopleCache) get(id bot.PersonID) (*bot.Person, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || e.p == nil {
		return nil, false
	}
	return e.p.Clone(), true
}

// set makes p (nil: nobody) id's entry as of transaction tx, unless the
// entry is already from a later one. p must not be changed afterwards.
func (c *peopleCache) set(id bot.PersonID, tx uint64, p *bot.Person) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	switch {
	case ok && e.tx > tx, !ok && tx <= c.floor:
		return
	}
	if c.m == nil {
		c.m = make(map[bot.PersonID]cachedPerson)
	}
	if !ok && len(c.m) >= cacheMax {
		// Drop an arbitrary tenth: cheap, and a person pushed out is
		// only decoded again.
		n := cacheMax / 10
		for k, e := range c.m {
			if n--; n < 0 {
				break
			}
			c.floor = max(c.floor, e.tx)
			delete(c.m, k)
		}
	}
	c.m[id] = cachedPerson{tx: tx, p: p}
}

// wrote updates id's entry to p (nil: deleted, or not worth decoding)
// once tx commits; nothing happens if it does not.
func (c *peopleCache) wrote(tx *bolt.Tx, id bot.PersonID, p *bot.Person) {
	at := uint64(tx.ID())
	tx.OnCommit(func() { c.set(id, at, p) })
}

// stale makes id's entry a miss, keeping its transaction id so that the
// order of later writes is still judged: the next load reads the file.
//
// It is for a commit refused because the version moved on. bbolt lets
// the next writer in before it runs the commit handlers of the one
// before, so a load can find the entry from before a write that is
// already in the file; a retry that trusted the cache again would be
// refused again for as long as that handler waits to run.
func (c *peopleCache) stale(id bot.PersonID) {
	c.mu.Lock()
	if e, ok := c.m[id]; ok {
		c.m[id] = cachedPerson{tx: e.tx}
	}
	c.mu.Unlock()
}

// reset empties the cache, for a file whose transactions are numbered
// anew.
func (c *peopleCache) reset() {
	c.mu.Lock()
	c.m, c.floor = nil, 0
	c.mu.Unlock()
}
