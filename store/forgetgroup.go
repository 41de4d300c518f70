package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// ForgetGroup deletes a whole group, in one transaction: every member
// of group whose only group it is, every person whose id starts with
// prefix (a Slack workspace's people, members or not); the group's
// membership of everyone else, who keeps their record; the group's
// settings and weekly record; and what is queued or given up for the
// group. Then it scrubs the file once. It is what an uninstalled app owes the
// workspace. It returns how many people were forgotten.
func (db *DB) ForgetGroup(ctx context.Context, group string, prefix bot.PersonID) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: forget group %s: %w", group, err)
	}
	n := 0
	err := db.commit(ctx, func(tx *bolt.Tx) error {
		gone, staying, err := groupPeople(tx, group, prefix)
		if err != nil {
			return err
		}
		for id := range gone {
			if err := forget(tx, &db.people, id, db.personHash(id)); err != nil {
				return err
			}
		}
		for _, id := range staying {
			if err := leave(tx, &db.people, id, group); err != nil {
				return err
			}
		}
		if err := clearTraces(tx, &db.people, gone); err != nil {
			return err
		}
		n = len(gone)
		return dropGroup(tx, group)
	})
	if err == nil {
		err = db.scrub()
	}
	if err != nil {
		return 0, fmt.Errorf("store: forget group %s: %w", group, err)
	}
	return n, nil
}

// groupPeople sorts the people ForgetGroup deals with: those to forget,
// and the members who stay, minus their membership, because they belong
// to other groups too and their id does not start with prefix.
func groupPeople(tx *bolt.Tx, group string, prefix bot.PersonID) (gone map[bot.PersonID]bool, staying []bot.PersonID, err error) {
	gone = map[bot.PersonID]bool{}
	if prefix != "" {
		c := tx.Bucket(bucketPeople).Cursor()
		for k, _ := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, _ = c.Next() {
			gone[bot.PersonID(k)] = true
		}
	}
	for _, id := range memberIDs(tx, group) {
		if gone[id] {
			continue
		}
		h, err := getHead(tx, id)
		if err != nil {
			return nil, nil, err
		}
		if h != nil && slices.ContainsFunc(h.groups, func(g string) bool { return g != group && g != "" }) {
			staying = append(staying, id)
		} else {
			gone[id] = true
		}
	}
	return gone, staying, nil
}

// leave takes group out of person id's memberships, and out of their
// address (where they were last seen).
func leave(tx *bolt.Tx, c *peopleCache, id bot.PersonID, group string) error {
	p, err := getPerson(tx, id)
	if err != nil || p == nil {
		return err
	}
	old := headFor(p)
	p.Groups = slices.DeleteFunc(p.Groups, func(m bot.Membership) bool { return m.Group == group })
	p.Version++
	if err := replacePerson(tx, c, p, &old); err != nil {
		return fmt.Errorf("%s leaves %s: %w", id, group, err)
	}
	return leaveAddress(tx, id, group)
}

// leaveAddress forgets that person id was last seen in group.
func leaveAddress(tx *bolt.Tx, id bot.PersonID, group string) error {
	b := tx.Bucket(bucketAddress)
	v := b.Get([]byte(id))
	if v == nil {
		return nil
	}
	var a bot.Address
	if err := json.Unmarshal(v, &a); err != nil {
		return fmt.Errorf("address of %s: %w", id, err)
	}
	if a.Group != group {
		return nil
	}
	a.Group = ""
	nv, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("address of %s: %w", id, err)
	}
	return b.Put([]byte(id), nv)
}

// dropGroup deletes a group's settings, its weekly record, and the
// replies queued or given up for it (a digest names its people).
func dropGroup(tx *bolt.Tx, group string) error {
	err := dropReplies(tx, jsonInner(group), func(r bot.Reply) bool { return r.Place.Group == group })
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketWeekly).Delete([]byte(group)); err != nil {
		return err
	}
	return tx.Bucket(bucketGroupCfg).Delete([]byte(group))
}
