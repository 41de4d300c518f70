package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// Forget deletes everything about a person, in one transaction: their
// record, check-ins, wins and ratings, their due-index and group-index
// entries, how to reach them, replies queued or given up for them, and
// other members' links to them as coach. Then it compacts the file, so
// that no freed page still holds their id or their words.
func (db *DB) Forget(id bot.PersonID) error {
	if err := db.commit(func(tx *bolt.Tx) error { return forget(tx, &db.people, id) }); err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	return db.Compact()
}

// ForgetGroup deletes a whole group, in one transaction: every member of
// group, every person whose id starts with prefix (a Slack workspace's
// people, members or not), the group's settings and anything queued for
// the group; then compacts once.
// It is what an uninstalled app owes the workspace. It returns how many
// people were forgotten.
func (db *DB) ForgetGroup(group string, prefix bot.PersonID) (int, error) {
	n := 0
	err := db.commit(func(tx *bolt.Tx) error {
		ids := map[bot.PersonID]bool{}
		gp := append([]byte(group), 0)
		c := tx.Bucket(bucketGroups).Cursor()
		for k, _ := c.Seek(gp); k != nil && bytes.HasPrefix(k, gp); k, _ = c.Next() {
			ids[bot.PersonID(k[len(gp):])] = true
		}
		if prefix != "" {
			c := tx.Bucket(bucketPeople).Cursor()
			for k, _ := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, _ = c.Next() {
				ids[bot.PersonID(k)] = true
			}
		}
		for id := range ids {
			if err := forget(tx, &db.people, id); err != nil {
				return err
			}
		}
		n = len(ids)
		// What was queued for the group itself (a digest names its
		// people) goes too.
		inGroup := func(_, v []byte) bool { return bytes.Contains(v, []byte(`"group":"`+group+`"`)) }
		if err := deleteWhere(tx.Bucket(bucketOutbox), inGroup); err != nil {
			return err
		}
		if err := tx.Bucket(bucketWeekly).Delete([]byte(group)); err != nil {
			return err
		}
		return tx.Bucket(bucketGroupCfg).Delete([]byte(group))
	})
	if err != nil {
		return 0, fmt.Errorf("store: forget group: %w", err)
	}
	return n, db.Compact()
}

// forget deletes one person inside tx (see Forget), from the cache c too
// once tx commits: what was deleted does not stay in memory.
func forget(tx *bolt.Tx, c *peopleCache, id bot.PersonID) error {
	p, err := getPerson(tx, id)
	if err != nil {
		return err
	}
	if p != nil {
		if !p.NextReminder.IsZero() {
			if err := tx.Bucket(bucketDue).Delete(dueKey(p.NextReminder, id)); err != nil {
				return err
			}
		}
		if p.Group != "" {
			if err := tx.Bucket(bucketGroups).Delete(groupKey(p.Group, id)); err != nil {
				return err
			}
			if err := unlinkCoach(tx, c, p.Group, id); err != nil {
				return err
			}
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
	// Due entries are keyed time-first: drop any stray one for them.
	if err := deleteWhere(tx.Bucket(bucketDue), func(k, _ []byte) bool { return len(k) > 8 && bot.PersonID(k[8:]) == id }); err != nil {
		return err
	}
	queued := showing(id, func(v []byte) (bot.Reply, error) {
		var env bot.Envelope
		err := json.Unmarshal(v, &env)
		return env.Reply, err
	})
	if err := deleteWhere(tx.Bucket(bucketOutbox), queued); err != nil {
		return err
	}
	failed := showing(id, func(v []byte) (bot.Reply, error) {
		var u bot.Undeliverable
		err := json.Unmarshal(v, &u)
		return u.Envelope.Reply, err
	})
	return deleteWhere(tx.Bucket(bucketFailed), failed)
}

// showing matches the stored replies, each read by read, that are for id
// or show something of theirs (Reply.About), such as a digest queued
// while the platform was down. Only entries holding the id are read; one
// that holds it but cannot be read is matched: when forgetting, better
// to drop it than keep what may be theirs.
func showing(id bot.PersonID, read func(v []byte) (bot.Reply, error)) func(k, v []byte) bool {
	quoted, _ := json.Marshal(id)
	needle := quoted[1 : len(quoted)-1] // the id as it appears inside JSON
	return func(_, v []byte) bool {
		if !bytes.Contains(v, needle) {
			return false
		}
		r, err := read(v)
		return err != nil || r.To == id || slices.Contains(r.About, id)
	}
}

// unlinkCoach clears the coach link of every member of group who named id.
func unlinkCoach(tx *bolt.Tx, cache *peopleCache, group string, id bot.PersonID) error {
	prefix := append([]byte(group), 0)
	c := tx.Bucket(bucketGroups).Cursor()
	var members []bot.PersonID
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		members = append(members, bot.PersonID(k[len(prefix):]))
	}
	for _, m := range members {
		p, err := getPerson(tx, m)
		if err != nil || p == nil || p.Coach != id {
			continue
		}
		old := *p
		p.Coach = ""
		p.Version++
		if err := replacePerson(tx, cache, p, &old); err != nil {
			return err
		}
	}
	return nil
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	return deleteWhere(b, func(k, _ []byte) bool { return bytes.HasPrefix(k, prefix) })
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
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
