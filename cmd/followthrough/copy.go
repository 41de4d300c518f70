package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/store"
)

// runCopy copies everything from one database to another, a bbolt file
// or PostgreSQL either way: people (versions kept), their records and
// schedules, addresses, groups' settings and weekly rounds, replies
// queued and given up. Event ids are not copied: each database hashes
// them with its own key, and they matter for minutes only. The bot must
// be stopped (a bbolt file is held by a running bot anyway). The copy is
// verified: each kind is counted and checksummed as read back from the
// destination, and must match the source.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the database to copy: a bbolt file or a postgres:// URL")
	to := fs.String("to", "", "the database to copy into, which must be empty")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if *from == "" || *to == "" || fs.NArg() > 0 || *from == *to {
		return usageError{errors.New("usage: followthrough copy --from FILE|URL --to FILE|URL (two different databases)")}
	}
	src, err := openDatabase(ctx, *from, true)
	if err != nil {
		return fmt.Errorf("copy from %s: %w", describeDatabase(*from), err)
	}
	defer src.Close()
	dst, err := openDatabase(ctx, *to, false)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", describeDatabase(*to), err)
	}
	defer dst.Close()
	w, err := sinkFor(dst)
	if err != nil {
		return err
	}
	sums, err := copyDatabase(ctx, src, dst, w)
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w", describeDatabase(*from), describeDatabase(*to), err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "copied %s to %s\n", describeDatabase(*from), describeDatabase(*to))
	fmt.Fprintln(tw, "kind\tcount\tchecksum (source = destination)")
	for _, k := range copyKinds {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", k, sums[k].n, sums[k].sum())
	}
	return tw.Flush()
}

// The kinds a copy counts and checksums.
const (
	kindPeople    = "people"
	kindCheckIns  = "check-ins"
	kindWins      = "wins"
	kindRatings   = "ratings"
	kindAddresses = "addresses"
	kindSettings  = "group settings"
	kindWeekly    = "weekly rounds"
	kindQueued    = "queued replies"
	kindGivenUp   = "undeliverable replies"
)

// copyKinds are the kinds in the order they are reported.
var copyKinds = []string{kindPeople, kindCheckIns, kindWins, kindRatings, kindAddresses, kindSettings, kindWeekly, kindQueued, kindGivenUp}

// tally is one kind's count and running checksum.
type tally struct {
	n int
	h hash.Hash
}

// sum is the checksum's first 16 hex digits.
func (t *tally) sum() string {
	if t == nil || t.h == nil {
		return hex.EncodeToString(sha256.New().Sum(nil))[:16]
	}
	return hex.EncodeToString(t.h.Sum(nil))[:16]
}

// tallies are the counts and checksums of every kind.
type tallies map[string]*tally

// add counts v (under key, which the checksum covers too) as one of
// kind.
func (t tallies) add(kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("checksum %s %s: %w", kind, key, err)
	}
	k := t[kind]
	if k == nil {
		k = &tally{h: sha256.New()}
		t[kind] = k
	}
	k.n++
	fmt.Fprintf(k.h, "%d:%s\n%d:", len(key), key, len(b))
	k.h.Write(b)
	return nil
}

// inventory lists the keys of everything a database keeps, by kind.
type inventory struct {
	people, addresses []bot.PersonID
	settings, weekly  []string
	platforms         []string
}

// empty reports whether the database keeps nothing.
func (inv inventory) empty() bool {
	return len(inv.people)+len(inv.addresses)+len(inv.settings)+len(inv.weekly)+len(inv.platforms) == 0
}

// inventoryOf lists what db keeps.
func inventoryOf(ctx context.Context, db database) (inventory, error) {
	switch d := db.(type) {
	case pgDatabase:
		var inv inventory
		var err error
		if inv.people, err = d.PeopleIDs(ctx); err != nil {
			return inv, err
		}
		if inv.addresses, err = d.AddressIDs(ctx); err != nil {
			return inv, err
		}
		if inv.settings, err = d.SettingsGroups(ctx); err != nil {
			return inv, err
		}
		if inv.weekly, err = d.WeeklyGroups(ctx); err != nil {
			return inv, err
		}
		inv.platforms, err = d.Platforms(ctx)
		return inv, err
	case boltDatabase:
		return boltInventory(ctx, d.DB)
	}
	return inventory{}, fmt.Errorf("no inventory of %T", db)
}

// boltInventory lists the keys of a bbolt file's buckets, read from a
// hot backup of it (the store holds the file; a copy's destination
// holds it for writing). The store has no listing of its own; the keys
// are read here as schema 4 lays them out, and the checksums of the
// copy catch any that would be missed.
func boltInventory(ctx context.Context, db *store.DB) (inventory, error) {
	var inv inventory
	dir, err := os.MkdirTemp("", "followthrough-copy-")
	if err != nil {
		return inv, fmt.Errorf("list %s: %w", db.Path(), err)
	}
	defer os.RemoveAll(dir)
	snapshot := filepath.Join(dir, "snapshot.db")
	if _, err := db.BackupTo(ctx, snapshot); err != nil {
		return inv, fmt.Errorf("list %s: %w", db.Path(), err)
	}
	b, err := bolt.Open(snapshot, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return inv, fmt.Errorf("list %s: %w", db.Path(), err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		keys := func(bucket string, fn func(k []byte)) {
			if bk := tx.Bucket([]byte(bucket)); bk != nil {
				bk.ForEach(func(k, _ []byte) error { fn(k); return nil })
			}
		}
		keys("people", func(k []byte) { inv.people = append(inv.people, bot.PersonID(k)) })
		keys("addresses", func(k []byte) { inv.addresses = append(inv.addresses, bot.PersonID(k)) })
		keys("group_settings", func(k []byte) { inv.settings = append(inv.settings, string(k)) })
		keys("weekly", func(k []byte) { inv.weekly = append(inv.weekly, string(k)) })
		platform := func(k []byte) {
			if i := bytes.IndexByte(k, 0); i >= 0 && !slices.Contains(inv.platforms, string(k[:i])) {
				inv.platforms = append(inv.platforms, string(k[:i]))
			}
		}
		keys("outbox", platform)
		keys("undeliverable", platform)
		return nil
	})
	slices.Sort(inv.platforms)
	return inv, err
}

// everything reads whole lists.
const everything = math.MaxInt32

// copyDatabase copies src into dst, which must be empty, through w, and
// checks the copy: it returns the tallies of the source, which the
// destination's matched.
func copyDatabase(ctx context.Context, src, dst database, w sink) (tallies, error) {
	inv, err := inventoryOf(ctx, src)
	if err != nil {
		return nil, err
	}
	if dinv, err := inventoryOf(ctx, dst); err != nil {
		return nil, err
	} else if !dinv.empty() {
		return nil, fmt.Errorf("the destination is not empty (%d people, %d groups' settings): copy into a new database", len(dinv.people), len(dinv.settings))
	}
	want, err := walk(ctx, src, inv, w)
	if err != nil {
		return nil, err
	}
	if err := w.finish(ctx); err != nil {
		return nil, err
	}
	dinv, err := inventoryOf(ctx, dst)
	if err != nil {
		return nil, err
	}
	got, err := walk(ctx, dst, dinv, nil)
	if err != nil {
		return nil, fmt.Errorf("read the copy back: %w", err)
	}
	var diff []string
	for _, k := range copyKinds {
		if want[k].sum() != got[k].sum() || count(want[k]) != count(got[k]) {
			diff = append(diff, fmt.Sprintf("%s: %d in the source, %d in the copy (checksums %s, %s)", k, count(want[k]), count(got[k]), want[k].sum(), got[k].sum()))
		}
	}
	if diff != nil {
		return nil, fmt.Errorf("the copy differs from the source; do not use it:\n  %s", joinLines(diff))
	}
	return want, nil
}

// count is a tally's count.
func count(t *tally) int {
	if t == nil {
		return 0
	}
	return t.n
}

// joinLines joins lines for an error.
func joinLines(lines []string) string {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// walk reads everything inv lists from db, tallies it, and hands it to
// w (nil: only tally).
func walk(ctx context.Context, db database, inv inventory, w sink) (tallies, error) {
	t := tallies{}
	for _, id := range inv.people {
		p, ok, err := db.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		checkIns, err := db.CheckIns(ctx, id, time.Time{})
		if err != nil {
			return nil, err
		}
		wins, err := db.Wins(ctx, id, everything)
		if err != nil {
			return nil, err
		}
		slices.Reverse(wins) // oldest first, as they were written
		ratings, err := db.Ratings(ctx, id, everything)
		if err != nil {
			return nil, err
		}
		if err := t.add(kindPeople, string(id), p); err != nil {
			return nil, err
		}
		for _, c := range checkIns {
			if err := t.add(kindCheckIns, string(id), c); err != nil {
				return nil, err
			}
		}
		for _, x := range wins {
			if err := t.add(kindWins, string(id), x); err != nil {
				return nil, err
			}
		}
		for _, r := range ratings {
			if err := t.add(kindRatings, string(id), r); err != nil {
				return nil, err
			}
		}
		if w != nil {
			if err := w.person(ctx, p, checkIns, wins, ratings); err != nil {
				return nil, fmt.Errorf("write %s: %w", id, err)
			}
		}
	}
	var dst database
	if w != nil {
		dst = w.dest()
	}
	if err := each(ctx, t, kindAddresses, inv.addresses, db.Address, dstCall(dst, database.SetAddress)); err != nil {
		return nil, err
	}
	if err := each(ctx, t, kindSettings, inv.settings, db.GroupSettings, dstCall(dst, database.SetGroupSettings)); err != nil {
		return nil, err
	}
	weekly := func(db database, ctx context.Context, g string, at time.Time) error {
		_, err := db.CommitWeekly(ctx, g, at, nil)
		return err
	}
	if err := each(ctx, t, kindWeekly, inv.weekly, db.LastWeekly, dstCall(dst, weekly)); err != nil {
		return nil, err
	}
	for _, platform := range inv.platforms {
		queued, err := db.Pending(ctx, platform, everything)
		if err != nil {
			return nil, err
		}
		for _, e := range queued {
			// The sequence number is not compared: a bbolt file numbers
			// what it is given afresh. The order is.
			if err := t.add(kindQueued, platform, struct {
				Queued time.Time `json:"queued"`
				Reply  bot.Reply `json:"reply"`
			}{e.Queued.UTC(), e.Reply}); err != nil {
				return nil, err
			}
		}
		failed, err := db.Undelivered(ctx, platform)
		if err != nil {
			return nil, err
		}
		for _, u := range failed {
			u.Envelope.Seq = 0 // renumbered by a bbolt file, as queued replies are
			if err := t.add(kindGivenUp, platform, u); err != nil {
				return nil, err
			}
		}
		if w != nil {
			if err := w.outbox(ctx, queued, failed); err != nil {
				return nil, fmt.Errorf("write the outbox of %s: %w", platform, err)
			}
		}
	}
	return t, nil
}

// each reads the value of every key with read, tallies it as one of
// kind, and writes it with write (nil: only tally).
func each[K ~string, V any](ctx context.Context, t tallies, kind string, keys []K, read func(context.Context, K) (V, error), write func(context.Context, K, V) error) error {
	for _, k := range keys {
		v, err := read(ctx, k)
		if err != nil {
			return err
		}
		if err := t.add(kind, string(k), v); err != nil {
			return err
		}
		if write != nil {
			if err := write(ctx, k, v); err != nil {
				return fmt.Errorf("write %s %s: %w", kind, k, err)
			}
		}
	}
	return nil
}

// dstCall binds a write to the destination; nil when there is none.
func dstCall[K, V any](dst database, write func(database, context.Context, K, V) error) func(context.Context, K, V) error {
	if dst == nil {
		return nil
	}
	return func(ctx context.Context, k K, v V) error { return write(dst, ctx, k, v) }
}

// sink writes a copy into the destination database.
type sink interface {
	// dest is the destination, for what is written as it is read
	// (addresses, groups' settings, weekly rounds).
	dest() database
	// person writes a person as they are, version included, with their
	// records.
	person(ctx context.Context, p *bot.Person, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error
	// outbox writes a platform's queued replies, in order, and those
	// given up on.
	outbox(ctx context.Context, queued []bot.Envelope, failed []bot.Undeliverable) error
	// finish writes what is still held.
	finish(ctx context.Context) error
}

// sinkFor is the way into dst.
func sinkFor(dst database) (sink, error) {
	switch d := dst.(type) {
	case pgDatabase:
		return &pgSink{db: d}, nil
	case boltDatabase:
		return &boltSink{db: d}, nil
	}
	return nil, fmt.Errorf("cannot copy into %T", dst)
}

// copyChunk is how many people a copy writes in one transaction.
const copyChunk = 500

// heldPerson is a person read and not written yet, with their records.
type heldPerson struct {
	p        *bot.Person
	checkIns []bot.CheckIn
	wins     []bot.Win
	ratings  []bot.Rating
}

// pgSink writes into PostgreSQL with its bulk methods: people in
// chunks, then their records (which name them), the outbox with its
// sequence numbers kept.
type pgSink struct {
	db   pgDatabase
	held []heldPerson
}

func (s *pgSink) dest() database { return s.db }

func (s *pgSink) person(ctx context.Context, p *bot.Person, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error {
	s.held = append(s.held, heldPerson{p, checkIns, wins, ratings})
	if len(s.held) < copyChunk {
		return nil
	}
	return s.flush(ctx)
}

// flush writes the people held.
func (s *pgSink) flush(ctx context.Context) error {
	people := make([]*bot.Person, len(s.held))
	for i, h := range s.held {
		people[i] = h.p
	}
	if err := s.db.Import(ctx, people, copyChunk); err != nil {
		return err
	}
	for _, h := range s.held {
		if len(h.checkIns)+len(h.wins)+len(h.ratings) == 0 {
			continue
		}
		if err := s.db.ImportRecords(ctx, h.p.ID, h.checkIns, h.wins, h.ratings); err != nil {
			return err
		}
	}
	s.held = s.held[:0]
	return nil
}

// outbox writes the replies given up on first, then the queued ones,
// whose import moves the sequence past both: a reply queued later is
// never numbered like one given up.
func (s *pgSink) outbox(ctx context.Context, queued []bot.Envelope, failed []bot.Undeliverable) error {
	for _, u := range failed {
		if err := s.db.GiveUp(ctx, u.Envelope, u.Reason, u.At); err != nil {
			return err
		}
	}
	return s.db.ImportOutbox(ctx, queued)
}

func (s *pgSink) finish(ctx context.Context) error { return s.flush(ctx) }

// carrier is the stand-in whose commits queue a copy's replies into a
// bbolt file (which queues replies only with a commit, stamped with the
// committing person's last message); forgotten once the copy is done.
const carrier bot.PersonID = "followthrough-copy:carrier"

// boltSink writes into a bbolt file through the store's own methods: a
// person and their records in one commit (the file numbers wins
// afresh), then the people as they were, versions included, with
// Import; replies through the carrier's commits, each stamped with when
// it was queued.
type boltSink struct {
	db      boltDatabase
	held    []*bot.Person
	carried uint64 // the carrier's version; 0 until it carried a reply
}

func (s *boltSink) dest() database { return s.db }

func (s *boltSink) person(ctx context.Context, p *bot.Person, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error {
	if p.ID == carrier {
		return fmt.Errorf("the source holds %s, the copy's own stand-in", carrier)
	}
	if err := s.db.Commit(ctx, bot.Change{Person: p, CheckIns: checkIns, Wins: wins, Ratings: ratings}); err != nil {
		return err
	}
	s.held = append(s.held, p)
	if len(s.held) < copyChunk {
		return nil
	}
	return s.flush(ctx)
}

// flush writes the people held as they are.
func (s *boltSink) flush(ctx context.Context) error {
	err := s.db.Import(ctx, s.held, copyChunk)
	s.held = s.held[:0]
	return err
}

// outbox writes the replies given up on first, each under a number the
// file itself gave out (a placeholder queued and given up in its
// place), so that no reply queued later can share its number: the file
// keeps both under one key. Then the queued replies, in order.
func (s *boltSink) outbox(ctx context.Context, queued []bot.Envelope, failed []bot.Undeliverable) error {
	if len(failed) > 0 {
		platform := failed[0].Envelope.Platform
		placeholders := make([]bot.Envelope, len(failed))
		for i := range placeholders {
			placeholders[i] = bot.Envelope{Platform: platform, Reply: bot.Reply{Key: fmt.Sprint("copy-placeholder-", i), Platform: platform}}
		}
		if err := s.carry(ctx, placeholders); err != nil {
			return err
		}
		numbered, err := s.db.Pending(ctx, platform, len(failed))
		if err != nil {
			return err
		}
		if len(numbered) != len(failed) {
			return fmt.Errorf("%d placeholders queued for %s, %d found", len(failed), platform, len(numbered))
		}
		for i, u := range failed {
			env := u.Envelope
			env.Seq = numbered[i].Seq
			if err := s.db.GiveUp(ctx, env, u.Reason, u.At); err != nil {
				return err
			}
		}
	}
	return s.carry(ctx, queued)
}

// carry queues envelopes in order through the carrier's commits, one
// for each time they were queued at.
func (s *boltSink) carry(ctx context.Context, queued []bot.Envelope) error {
	for len(queued) > 0 {
		n := 1
		for n < len(queued) && queued[n].Queued.Equal(queued[0].Queued) {
			n++
		}
		replies := make([]bot.Reply, n)
		for i, e := range queued[:n] {
			replies[i] = e.Reply
		}
		c := &bot.Person{ID: carrier, Identity: bot.Identity{Joined: queued[0].Queued, LastSeen: queued[0].Queued}}
		if err := s.db.Commit(ctx, bot.Change{Person: c, Expect: s.carried, Replies: replies}); err != nil {
			return err
		}
		s.carried++
		queued = queued[n:]
	}
	return nil
}

func (s *boltSink) finish(ctx context.Context) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	if s.carried == 0 {
		return nil
	}
	return s.db.Forget(ctx, carrier, "")
}
