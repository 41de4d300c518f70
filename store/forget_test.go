package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/store"
)

// reopen opens the file at path again, after its DB was closed.
func reopen(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fileHolds reports which of words the closed database's file holds,
// anywhere: in live pages or in pages freed and not yet reused.
func fileHolds(t *testing.T, path string, words ...string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, w := range words {
		if bytes.Contains(raw, []byte(w)) {
			found = append(found, w)
		}
	}
	return found
}

// TestForgetLeavesNoTraceInTheFile: after Forget, the bytes of the file
// hold neither the person's id, nor their platform's ids (their user id,
// their DM channel, in event ids too), nor their name or words — in
// their records, in replies to them or about them, in others' links to
// them — while the others keep what is theirs.
func TestForgetLeavesNoTraceInTheFile(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	zeph := bot.PersonID("test:U0ZEPHYR")
	sam := bot.PersonID("test:U0SAM")
	p := &bot.Person{ID: zeph, Identity: bot.Identity{Name: "Zephyrine", Handle: "zeph_handle", LastSeen: t0},
		Plan:   bot.Plan{Goal: "learn the theremin", InnerReason: "my grandmother played"},
		Memory: bot.Memory{LastObstacle: "the neighbours complained"},
		Groups: []bot.Membership{{Group: "g1", Share: bot.Public}, {Group: "g2"}}}
	p.Schedule.Next = t0.Add(24 * 3600e9)
	commit := func(c bot.Change) {
		t.Helper()
		if err := db.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	commit(bot.Change{Person: p, EventID: "slack:m:D0ZEPH:1700000000.1",
		CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done, Note: "quietly practising"}},
		Wins:     []bot.Win{{At: t0, Text: "played a tune on the theremin"}},
		Ratings:  []bot.Rating{{At: t0, Value: 7, Why: "a patient teacher"}},
		Replies:  []bot.Reply{{Key: "r1", To: zeph, Text: "Zephyrine, well done"}},
		Settings: &bot.GroupChange{Group: "g1", Settings: bot.GroupSettings{Coaches: []bot.PersonID{zeph, sam}, By: zeph}}})
	if err := db.SetAddress(ctx, zeph, bot.Address{DM: "D0ZEPH"}); err != nil {
		t.Fatal(err)
	}
	q, _ := db.Pending(ctx, "test", 10)
	if err := db.GiveUp(ctx, q[0], "closed DMs of Zephyrine", t0); err != nil {
		t.Fatal(err)
	}
	commit(bot.Change{Person: &bot.Person{ID: sam, Identity: bot.Identity{Name: "Samwise"},
		Plan:   bot.Plan{Goal: "write a novel"},
		Groups: []bot.Membership{{Group: "g1", Coach: zeph}, {Group: "g2", Coach: zeph}}},
		Replies: []bot.Reply{{Key: "report", To: sam, Text: "Zephyrine played the theremin", About: []bot.PersonID{zeph}}}})
	commit(bot.Change{Person: &bot.Person{ID: "test:U0BO", Groups: []bot.Membership{{Group: "g1"}},
		Talk: bot.Conversation{Flow: bot.FlowState{Flow: "coach", Draft: bot.Draft{Coach: zeph, CoachName: "Zephyrine"}}}}})

	if err := db.Forget(ctx, zeph, "slack:m:D0ZEPH:1700000099.9"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if found := fileHolds(t, path, "U0ZEPHYR", "Zephyrine", "zeph_handle", "D0ZEPH", "slack:m:", "theremin",
		"grandmother", "neighbours", "quietly practising", "patient teacher"); len(found) > 0 {
		t.Errorf("the file still holds %q", found)
	}
	if found := fileHolds(t, path, "U0SAM", "Samwise", "write a novel", "U0BO"); len(found) != 4 {
		t.Errorf("the others' words in the file: only %q", found)
	}
	db = reopen(t, path)
	if got, ok, _ := db.Person(ctx, sam); !ok || got.Plan.Goal != "write a novel" || got.Groups[0].Coach != "" {
		t.Fatalf("sam after the file was cleaned: %+v", got)
	}
}

// TestEventIDsAreNotInTheFile: the event ids a file remembers are
// hashed: none is in it as the platform gave it.
func TestEventIDsAreNotInTheFile(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	p := person("ana", 0)
	for i, id := range []string{"slack:m:D0CHANNEL:1700000000.000100", "discord:i:998877665544332211"} {
		if err := db.Commit(ctx, bot.Change{Person: p, Expect: uint64(i), EventID: id}); err != nil {
			t.Fatal(err)
		}
		p.Version++
	}
	db.Close()
	if found := fileHolds(t, path, "D0CHANNEL", "1700000000.000100", "998877665544332211", "slack:m:", "discord:i:"); len(found) > 0 {
		t.Errorf("the file holds event ids in the clear: %q", found)
	}
	db = reopen(t, path)
	if err := db.Commit(ctx, bot.Change{Person: p, Expect: 2, EventID: "discord:i:998877665544332211"}); err == nil {
		t.Fatal("a hashed event id was not recognised")
	}
}

// TestForgetGroupLeavesNoTraceInTheFile: after ForgetGroup, nothing in
// the file names the group or the people forgotten with it, and a member
// of another group who stays keeps their record without it.
func TestForgetGroupLeavesNoTraceInTheFile(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	const group = "T0WORKSPACE"
	in := func(groups ...string) []bot.Membership {
		var ms []bot.Membership
		for _, g := range groups {
			ms = append(ms, bot.Membership{Group: g, Share: bot.Public})
		}
		return ms
	}
	for _, p := range []*bot.Person{
		{ID: "slack:T0WORKSPACE:U0FIRST", Identity: bot.Identity{Name: "Firstname"}, Groups: in(group)},
		{ID: "slack:T0WORKSPACE:U0SECOND", Plan: bot.Plan{Goal: "a goal of the workspace"}},
		{ID: "discord:U0STAYS", Plan: bot.Plan{Goal: "stay"}, Groups: in(group, "G0OTHER")},
	} {
		if err := db.Commit(ctx, bot.Change{Person: p, Settings: &bot.GroupChange{Group: group, Settings: bot.GroupSettings{Channel: "C0WINS"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetAddress(ctx, "discord:U0STAYS", bot.Address{DM: "D1", Group: group}); err != nil {
		t.Fatal(err)
	}
	digest := bot.Reply{Key: "weekly", Platform: "slack", Place: bot.Place{Group: group}, Text: "Firstname's week"}
	if _, err := db.CommitWeekly(ctx, group, t0, []bot.Reply{digest}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.ForgetGroup(ctx, group, "slack:T0WORKSPACE:"); err != nil || n != 2 {
		t.Fatalf("ForgetGroup = %d, %v", n, err)
	}
	db.Close()
	if found := fileHolds(t, path, group, "U0FIRST", "U0SECOND", "Firstname", "a goal of the workspace", "C0WINS"); len(found) > 0 {
		t.Errorf("the file still holds %q", found)
	}
	db = reopen(t, path)
	stays, ok, _ := db.Person(ctx, "discord:U0STAYS")
	if !ok || stays.Plan.Goal != "stay" || len(stays.Groups) != 1 || stays.Groups[0].Group != "G0OTHER" {
		t.Fatalf("the member who stays: %+v", stays)
	}
	if a, _ := db.Address(ctx, "discord:U0STAYS"); a.DM != "D1" || a.Group != "" {
		t.Fatalf("their address: %+v", a)
	}
}

// TestStrayIndexEntries: index entries no stored person accounts for
// (left by a crash of an older version, or by hand) are dropped: a due
// one by FireDue without a call to fire, any by a Forget of the id they
// name, which leaves no trace of it.
func TestStrayIndexEntries(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	ana := person("ana", 0)
	ana.Groups = []bot.Membership{{Group: "g"}}
	if err := db.Commit(ctx, bot.Change{Person: ana}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	stray := "test:U0STRAY"
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		due := tx.Bucket([]byte("due"))
		for _, at := range []time.Time{t0, t0.Add(48 * time.Hour)} {
			if err := due.Put(append(binary.BigEndian.AppendUint64(nil, uint64(at.Unix())), stray...), nil); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("groups")).Put([]byte("g\x00"+stray), nil)
	})
	db = reopen(t, path)
	n, err := db.FireDue(ctx, t0.Add(time.Hour), 10, func(p *bot.Person, _ time.Time) []bot.Reply {
		t.Errorf("fired %s", p.ID)
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("FireDue over a stray entry = %d, %v", n, err)
	}
	if m, _ := db.Members(ctx, "g"); len(m) != 1 || m[0].ID != ana.ID {
		t.Fatalf("Members with a stray entry = %+v", m)
	}
	if err := db.Forget(ctx, bot.PersonID(stray), ""); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.NextDue(ctx); ok {
		t.Error("a stray due entry is left")
	}
	db.Close()
	if found := fileHolds(t, path, "U0STRAY"); len(found) > 0 {
		t.Errorf("the file still holds %q", found)
	}
}

// TestForgetOverDamagedRecords: a person whose record cannot be read is
// forgotten all the same, and another's damaged record does not hold up
// a forget.
func TestForgetOverDamagedRecords(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	db.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		people := tx.Bucket([]byte("people"))
		if err := people.Put([]byte("test:U0BROKEN"), []byte("\x09 not a person U0BROKEN")); err != nil {
			return err
		}
		return people.Put([]byte("test:U0OTHER"), []byte(`\x09 {"coach":"test:U0BROKEN"`))
	})
	db = reopen(t, path)
	if _, _, err := db.Person(ctx, "test:U0BROKEN"); err == nil {
		t.Fatal("a damaged record read without an error")
	}
	if err := db.Forget(ctx, "test:U0BROKEN", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Person(ctx, "test:U0BROKEN"); ok || err != nil {
		t.Fatalf("after Forget: %v, %v", ok, err)
	}
}

// TestForgetHoldsOtherWritersBriefly: the file is cleaned after a
// forget without holding every other write for the time it takes to
// copy the file. A writer keeps writing while someone is forgotten; the
// longest it waits is measured, and so is the longest it waits while
// the file is compacted (what Forget used to do): the forget must hold
// it for a small part of that. FT_FORGET_PEOPLE sets how many people
// the file holds (default 10,000; the figure was 200,000).
func TestForgetHoldsOtherWritersBriefly(t *testing.T) {
	ctx := context.Background()
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("FT_FORGET_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	path := filepath.Join(t.TempDir(), "big.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	goal := strings.Repeat("practise the cello for twenty minutes ", 25)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				p := &bot.Person{ID: bot.PersonID(fmt.Sprintf("test:P%07d", i)), Plan: bot.Plan{Goal: goal}, Groups: []bot.Membership{{Group: "g1"}}}
				if err := db.Commit(ctx, bot.Change{Person: p, CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done, Note: goal}}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// Measured as run: every commit synced.
	db.Close()
	if db, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	// stall runs op while a writer writes, and returns the longest
	// write and how long op took.
	stall := func(op func() error) (longest, took time.Duration) {
		t.Helper()
		stop, done := make(chan struct{}), make(chan time.Duration)
		started := make(chan struct{})
		go func() {
			var longest time.Duration
			for i := 0; ; i++ {
				at := time.Now()
				if err := db.SetAddress(ctx, "test:writer", bot.Address{DM: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
				longest = max(longest, time.Since(at))
				if i == 0 {
					close(started)
				}
				select {
				case <-stop:
					done <- longest
					return
				default:
				}
			}
		}()
		<-started
		at := time.Now()
		if err := op(); err != nil {
			t.Fatal(err)
		}
		took = time.Since(at)
		close(stop)
		return <-done, took
	}
	// The first forget finds the file as the writes left it, with every
	// page they freed still holding what it held.
	var forgetStall [3]time.Duration
	for i := range forgetStall {
		forgetStall[i], _ = stall(func() error { return db.Forget(ctx, bot.PersonID(fmt.Sprintf("test:P%07d", i*7)), "") })
	}
	compactStall, compactTook := stall(func() error { return db.Compact(ctx) })
	t.Logf("%d people, %d MB: compacting took %v and held a writer up to %v; forgets held it up to %v",
		n, st.Size()>>20, compactTook.Round(time.Millisecond), compactStall.Round(time.Millisecond), forgetStall)
	if worst := slices.Max(forgetStall[:]); worst > compactStall/4 {
		t.Errorf("a forget held another writer for %v; compacting the file held it for %v", worst, compactStall)
	}
}
