package store

import (
	"hash/maphash"
	"sync"

	"followthrough/bot"
)

// peopleCache keeps recently used people decoded, so that loading one
// who has not changed costs a read and a hash instead of decoding their
// JSON — which was the larger part of handling a message outside the
// commit.
//
// An entry is used only when the bytes stored now hash to what it was
// decoded from, so the cache can never serve a stale or a forgotten
// person: nothing has to remember to invalidate it, and a write that
// does not pass through here (a restore, another tool) is simply a miss.
type peopleCache struct {
	mu   sync.Mutex
	seed maphash.Seed
	m    map[bot.PersonID]cachedPerson
}

type cachedPerson struct {
	sum uint64
	p   *bot.Person // never changed once cached; callers get clones
}

// cacheMax bounds the cache: a decoded person is a few kilobytes, so
// this is some 10 MB at most, and covers everyone active at once in a
// large deployment.
const cacheMax = 4096

func (c *peopleCache) sum(v []byte) uint64 {
	return maphash.Bytes(c.seed, v)
}

// get returns a copy of the cached person stored as v, if there is one.
func (c *peopleCache) get(id bot.PersonID, v []byte) (*bot.Person, bool) {
	sum := c.sum(v)
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || e.sum != sum {
		return nil, false
	}
	return e.p.Clone(), true
}

// put remembers p as decoded from (or encoded to) v. p must not be
// changed afterwards.
func (c *peopleCache) put(id bot.PersonID, v []byte, p *bot.Person) {
	sum := c.sum(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[bot.PersonID]cachedPerson)
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= cacheMax {
		// Drop an arbitrary tenth: cheap, and a person pushed out is
		// only decoded again.
		n := cacheMax / 10
		for k := range c.m {
			if n--; n < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[id] = cachedPerson{sum: sum, p: p}
}

// drop forgets id's entry (a forgotten person need not wait to age out).
func (c *peopleCache) drop(id bot.PersonID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
