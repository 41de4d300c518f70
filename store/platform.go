package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// Address returns what is known of how to reach a person.
func (db *DB) Address(id bot.PersonID) (bot.Address, error) {
	var a bot.Address
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketAddress).Get([]byte(id)); v != nil {
			return json.Unmarshal(v, &a)
		}
		return nil
	})
	return a, err
}

// SetAddress records how to reach a person.
func (db *DB) SetAddress(id bot.PersonID, a bot.Address) error {
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return db.commit(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAddress).Put([]byte(id), v)
	})
}

// GroupSettings returns a group's settings (zero when never set up).
func (db *DB) GroupSettings(group string) (bot.GroupSettings, error) {
	var g bot.GroupSettings
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketGroupCfg).Get([]byte(group)); v != nil {
			return json.Unmarshal(v, &g)
		}
		return nil
	})
	return g, err
}

// SetGroupSettings stores a group's settings.
func (db *DB) SetGroupSettings(group string, g bot.GroupSettings) error {
	v, err := json.Marshal(g)
	if err != nil {
		return err
	}
	return db.commit(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGroupCfg).Put([]byte(group), v)
	})
}

// GiveUp moves a reply from the outbox to the undeliverable record, in
// one transaction: it is not retried, and the reason is kept.
func (db *DB) GiveUp(env bot.Envelope, reason string, at time.Time) error {
	v, err := json.Marshal(bot.Undeliverable{Envelope: env, Reason: reason, At: at})
	if err != nil {
		return err
	}
	return db.commit(func(tx *bolt.Tx) error {
		key := outboxKey(env.Platform, env.Seq)
		if err := tx.Bucket(bucketOutbox).Delete(key); err != nil {
			return fmt.Errorf("store: remove undeliverable reply: %w", err)
		}
		return tx.Bucket(bucketFailed).Put(key, v)
	})
}

// Undelivered lists the replies given up on for a platform, oldest first.
func (db *DB) Undelivered(platform string) ([]bot.Undeliverable, error) {
	var out []bot.Undeliverable
	err := db.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(platform), 0)
		c := tx.Bucket(bucketFailed).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var u bot.Undeliverable
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}
