package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// Forget deletes everything about a person, in one transaction: their
// record, check-ins, wins and ratings, their due-index and group-index
// entries, how to reach them, the event ids their events left, replies
// queued or given up for them or showing them, other people's links to
// them as coach in every group, and their place in groups' settings.
// eventID, if not empty, is remembered as handled (for nobody: nothing
// ties it to them), so that a redelivered confirmation changes nothing;
// it is so even if it was handled already: a forget is never skipped.
// Then it scrubs the file (see scrub), so that no freed page still holds
// their id or their words.
func (db *DB) Forget(ctx context.Context, id bot.PersonID, eventID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: forget %s: %w", id, err)
	}
	var event []byte
	var confirm []encoded
	if eventID != "" {
		event = db.eventHash(eventID)
		confirm = eventPuts(event, nil, db.now())
	}
	person := db.personHash(id)
	err := db.commit(ctx, func(tx *bolt.Tx) error {
		if err := forget(tx, &db.people, id, person); err != nil {
			return err
		}
		if err := clearTraces(tx, &db.people, map[bot.PersonID]bool{id: true}); err != nil {
			return err
		}
		if event != nil {
			if err := forgetEvent(tx, event); err != nil { // remembered anew, for nobody
				return err
			}
		}
		return putEncoded(tx, confirm)
	})
	if err == nil {
		err = db.scrub()
	}
	if err != nil {
		return fmt.Errorf("store: forget %s: %w", id, err)
	}
	return nil
}

// forget deletes one person's own keys inside tx (see Forget; clearTraces
// does the rest), from the cache c too once tx commits: what was deleted
// does not stay in memory. person is the hash their event ids were
// remembered with.
func forget(tx *bolt.Tx, c *peopleCache, id bot.PersonID, person []byte) error {
	// A record that cannot be read is deleted all the same; the index
	// entries its head would have named go as strays (clearTraces).
	if old, _ := getHead(tx, id); old != nil {
		if err := moveDue(tx, id, old.next, time.Time{}); err != nil {
			return err
		}
		if err := moveGroups(tx, id, old.groups, nil); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketPeople).Delete([]byte(id)); err != nil {
		return err
	}
	c.wrote(tx, id, nil)
	for _, b := range [][]byte{bucketCheckIns, bucketWins, bucketRatings} {
		if err := deletePrefix(tx.Bucket(b), personPrefix(id)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketAddress).Delete([]byte(id)); err != nil {
		return err
	}
	if err := forgetPersonEvents(tx, person); err != nil {
		return err
	}
	return dropReplies(tx, jsonInner(string(id)), func(r bot.Reply) bool {
		return r.To == id || slices.Contains(r.About, id)
	})
}

// dropStrayIndexEntries deletes any due or group index entry for the
// people gone that their stored heads did not account for: the file is
// to hold no trace. One pass over each index, however many are gone.
func dropStrayIndexEntries(tx *bolt.Tx, gone map[bot.PersonID]bool) error {
	if err := deleteWhere(tx.Bucket(bucketDue), func(k, _ []byte) bool {
		return len(k) > 8 && gone[bot.PersonID(k[8:])]
	}); err != nil {
		return err
	}
	return deleteWhere(tx.Bucket(bucketGroups), func(k, _ []byte) bool {
		i := bytes.IndexByte(k, 0)
		return i >= 0 && gone[bot.PersonID(k[i+1:])]
	})
}

// dropReplies deletes the queued and given-up replies that match. Only
// entries holding needle are read; one that holds it but cannot be read
// is dropped too: when forgetting, better to drop it than keep what may
// be theirs.
func dropReplies(tx *bolt.Tx, needle []byte, match func(bot.Reply) bool) error {
	for _, b := range []struct {
		name []byte
		read func([]byte) (bot.Reply, error)
	}{{bucketOutbox, queuedReply}, {bucketFailed, failedReply}} {
		err := deleteWhere(tx.Bucket(b.name), func(_, v []byte) bool {
			if !bytes.Contains(v, needle) {
				return false
			}
			r, err := b.read(v)
			return err != nil || match(r)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// queuedReply reads the reply of an outbox entry.
func queuedReply(v []byte) (bot.Reply, error) {
	var env bot.Envelope
	err := json.Unmarshal(v, &env)
	return env.Reply, err
}

// failedReply reads the reply of an undeliverable entry.
func failedReply(v []byte) (bot.Reply, error) {
	var u bot.Undeliverable
	err := json.Unmarshal(v, &u)
	return u.Envelope.Reply, err
}

// jsonInner is s as it appears inside a JSON string.
func jsonInner(s string) []byte {
	quoted, _ := json.Marshal(s)
	return quoted[1 : len(quoted)-1]
}

// coachNeedle is in the JSON of anyone who names a coach, in a
// membership or in a question about one.
const coachNeedle = `"coach":"`

// clearTraces clears what is left of the people gone (see forget) under
// keys not their own: stray index entries; in everyone left, every link
// to them — the coach of a membership in any group, a coach being asked
// about (with the name); and their place in groups' settings.
func clearTraces(tx *bolt.Tx, c *peopleCache, gone map[bot.PersonID]bool) error {
	if err := dropStrayIndexEntries(tx, gone); err != nil {
		return err
	}
	var linked []bot.PersonID
	needle := []byte(coachNeedle)
	err := tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
		if bytes.Contains(v, needle) {
			linked = append(linked, bot.PersonID(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range linked {
		if err := unlinkOne(tx, c, id, gone); err != nil {
			return err
		}
	}
	return scrubSettings(tx, gone)
}

// unlinkOne clears person id's links to the people gone, if any. A
// record that cannot be read is left as it is: a forget is not held up
// by someone else's damage.
func unlinkOne(tx *bolt.Tx, c *peopleCache, id bot.PersonID, gone map[bot.PersonID]bool) error {
	p, err := getPerson(tx, id)
	if err != nil || p == nil {
		return nil
	}
	old := headFor(p)
	changed := false
	for i := range p.Groups {
		if m := &p.Groups[i]; gone[m.Coach] {
			m.Coach, changed = "", true
		}
	}
	if d := &p.Talk.Flow.Draft; gone[d.Coach] {
		d.Coach, d.CoachName, changed = "", "", true
	}
	if !changed {
		return nil
	}
	p.Version++
	if err := replacePerson(tx, c, p, &old); err != nil {
		return fmt.Errorf("unlink %s: %w", id, err)
	}
	return nil
}

// scrubSettings takes the people gone out of every group's settings:
// from its coaches, and as who set it up.
func scrubSettings(tx *bolt.Tx, gone map[bot.PersonID]bool) error {
	b := tx.Bucket(bucketGroupCfg)
	var puts []encoded
	err := b.ForEach(func(k, v []byte) error {
		var g bot.GroupSettings
		if json.Unmarshal(v, &g) != nil {
			return nil // left as it is, like a record that cannot be read
		}
		n := len(g.Coaches)
		g.Coaches = slices.DeleteFunc(g.Coaches, func(id bot.PersonID) bool { return gone[id] })
		if len(g.Coaches) == n && !gone[g.By] {
			return nil
		}
		if gone[g.By] {
			g.By = ""
		}
		e, err := encodeSettings(string(k), g)
		puts = append(puts, e)
		return err
	})
	if err != nil {
		return err
	}
	return putEncoded(tx, puts)
}

// deletePrefix deletes the keys of b that start with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return deleteKeys(b, keys)
}

// deleteWhere deletes the keys of b that match.
func deleteWhere(b *bolt.Bucket, match func(k, v []byte) bool) error {
	var keys [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if match(k, v) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	return deleteKeys(b, keys)
}

// deleteKeys deletes keys from b.
func deleteKeys(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
