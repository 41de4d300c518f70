//go:build bench

package main

import (
	"context"
	enc "encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// engineResult is the engine's share of the bench.
type engineResult struct {
	EventsPerS  float64 `json:"engine_events_per_s"`
	CeilingPerS float64 `json:"bolt_ceiling_events_per_s"`
	OfCeiling   float64 `json:"engine_of_ceiling"`
	P50ms       float64 `json:"engine_p50_ms"`
	P99ms       float64 `json:"engine_p99_ms"`
	SteadyRate  int     `json:"engine_steady_per_s"`
	// Shape is what each event wrote, which the ceiling writes too.
	Shape writeShape `json:"engine_writes"`
}

// benchEngine measures inbound events handled end to end (engine, durable
// bbolt commit with fsync, outbox) by workers for people people; then the
// latency of each event at a steady rate; then the raw ceiling of bbolt's
// batched writes of the same records on the same disk.
func benchEngine(ctx context.Context, dir string, people, events, workers, steady int, steadyFor time.Duration) (engineResult, error) {
	var res engineResult
	db, err := store.Open(filepath.Join(dir, "engine.db"), store.Options{})
	if err != nil {
		return res, err
	}
	defer db.Close()
	all, err := fillForEngine(ctx, db, people)
	if err != nil {
		return res, err
	}
	if res.EventsPerS, res.P50ms, res.P99ms, err = loadEngine(ctx, db, all, events, workers, steady, steadyFor); err != nil {
		return res, err
	}
	res.SteadyRate = steady

	// The ceiling: raw bbolt doing, batched, the writes those events
	// made, with none of the engine's work around them.
	if err := db.Close(); err != nil {
		return res, err
	}
	shape, err := writesOf(filepath.Join(dir, "engine.db"))
	if err != nil {
		return res, err
	}
	res.Shape = shape
	ids := make([]string, people)
	for i, p := range all {
		ids[i] = string(p.ID)
	}
	ceiling, err := boltCeiling(filepath.Join(dir, "ceiling.db"), shape, ids, events, workers)
	if err != nil {
		return res, err
	}
	res.CeilingPerS = ceiling
	res.OfCeiling = res.EventsPerS / ceiling
	return res, nil
}

// benchPeople are the engine bench's people: onboarded, with a daily
// reminder, each in one of the bench's zones.
func benchPeople(people int, now time.Time) []*bot.Person {
	all := make([]*bot.Person, people)
	for i := range all {
		all[i] = &bot.Person{ID: bot.NewPersonID("bench", strconv.Itoa(i)), Version: 1,
			Identity: bot.Identity{Name: "Person " + strconv.Itoa(i), Zone: benchZones[i%len(benchZones)],
				Joined: now.Add(-30 * 24 * time.Hour), LastSeen: now.Add(-time.Hour)},
			Plan: bot.Plan{Onboarded: true, Goal: "Write 300 words of my novel every weekday", Step: "open the draft and write one sentence",
				Anchor: bot.Anchor{Habit: "my morning coffee", Time: "09:00"}},
			Schedule: bot.Schedule{Cron: "0 9 * * *", Label: "daily at 09:00"}}
	}
	return all
}

// benchStore is a store the engine bench can fill with its people.
type benchStore interface {
	bot.Store
	Import(ctx context.Context, people []*bot.Person, chunk int) error
}

// fillForEngine writes the engine bench's people into db.
func fillForEngine(ctx context.Context, db benchStore, people int) ([]*bot.Person, error) {
	all := benchPeople(people, time.Now())
	return all, db.Import(ctx, all, 0)
}

// loadEngine measures inbound events (a win each) handled end to end by
// an engine on db for the people all: the throughput of workers at
// once, then the latency of each event at a steady rate, in
// milliseconds.
func loadEngine(ctx context.Context, db bot.Store, all []*bot.Person, events, workers, steady int, steadyFor time.Duration) (perS, p50, p99 float64, err error) {
	words, err := prompts.New("")
	if err != nil {
		return 0, 0, 0, err
	}
	engine, err := bot.New(bot.Config{Store: db, Words: words})
	if err != nil {
		return 0, 0, 0, err
	}
	people := len(all)
	var seq atomic.Int64
	handle := func(person int) error {
		n := seq.Add(1)
		_, err := engine.Handle(ctx, bot.Event{ID: "bench:" + strconv.FormatInt(n, 10), Person: all[person].ID,
			Command: "win", Text: "wrote " + strconv.FormatInt(n, 10) + " words before breakfast"})
		return err
	}

	// Throughput: each worker has its own people, as separate chats do.
	// An untimed round of one event per person comes first, here and in
	// the ceiling alike, so that both are measured in their steady state
	// rather than while their files grow from nothing and the engine
	// reads each person for the first time.
	chats := func(w, i int) error { return handle(whose(w, i, workers, people)) }
	if err := parallel(workers, people, chats); err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	if err := parallel(workers, events, chats); err != nil {
		return 0, 0, 0, err
	}
	perS = float64(events) / time.Since(start).Seconds()

	// Latency at a steady rate: events start on a clock, not when the
	// previous one ends (an open loop), so queueing shows in the figures.
	total := int(float64(steady) * steadyFor.Seconds())
	lat := make([]time.Duration, total)
	var wg sync.WaitGroup
	var failed atomic.Value
	interval := time.Second / time.Duration(steady)
	begin := time.Now()
	for i := 0; i < total; i++ {
		if d := time.Until(begin.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			if err := handle(i % people); err != nil {
				failed.Store(err)
			}
			lat[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, 0, 0, err
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return perS, ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), nil
}

// whose is the person worker w's i-th event is from, in both the engine
// run and the ceiling: worker w has people w, w+workers, w+2*workers...
// in turn, so no two workers ever wait for the same person.
func whose(w, i, workers, people int) int {
	own := max(people/workers, 1)
	return (w + (i%own)*workers) % people
}

// parallel runs n calls of fn over workers goroutines.
func parallel(workers, n int, fn func(w, i int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; w+i*workers < n; i++ {
				if err := fn(w, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// writeShape is what one event wrote: the mean size of each record.
type writeShape struct {
	Person  int `json:"person_bytes"`
	Win     int `json:"win_bytes"`
	Outbox  int `json:"outbox_bytes"`
	EventID int `json:"event_id_bytes"`
}

// writesOf measures the records the engine wrote, from its database.
func writesOf(path string) (writeShape, error) {
	var w writeShape
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return w, err
	}
	defer db.Close()
	mean := func(tx *bolt.Tx, bucket string, key bool) int {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return 0
		}
		n, size := 0, 0
		b.ForEach(func(k, v []byte) error {
			n++
			if key {
				size += len(k)
			} else {
				size += len(v)
			}
			return nil
		})
		if n == 0 {
			return 0
		}
		return size / n
	}
	err = db.View(func(tx *bolt.Tx) error {
		w = writeShape{Person: mean(tx, "people", false), Win: mean(tx, "wins", false),
			Outbox: mean(tx, "outbox", false), EventID: mean(tx, "event_ids", true)}
		return nil
	})
	if err == nil && (w.Person == 0 || w.Win == 0 || w.Outbox == 0 || w.EventID == 0) {
		err = fmt.Errorf("bench: the engine wrote no %+v", w)
	}
	return w, err
}

// boltCeiling is bbolt's own batched write rate with fsync: n
// transactions from workers goroutines through DB.Batch, each writing
// what one of the engine's events wrote — the person (one of the same
// people, the same size), a win under that person, an outbox entry,
// and the event's id with its time — but computing nothing. Like the
// engine's run, it starts with an untimed round of one write per person,
// and it opens its file with the store's bbolt options.
func boltCeiling(path string, shape writeShape, people []string, n, workers int) (float64, error) {
	db, err := bolt.Open(path, 0o600, store.BoltOptions(store.Options{}))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// Tuned for this load rather than left at bbolt's defaults (10 ms,
	// 1000): a batch closes as soon as every worker is in it.
	db.MaxBatchSize, db.MaxBatchDelay = workers, 2*time.Millisecond
	buckets := [][]byte{[]byte("people"), []byte("wins"), []byte("outbox"), []byte("events"), []byte("event_time")}
	person, win, entry := make([]byte, shape.Person), make([]byte, shape.Win), make([]byte, shape.Outbox)
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		for _, id := range people {
			if err := tx.Bucket(buckets[0]).Put([]byte(id), person); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return 0, err
	}
	var seq atomic.Int64
	write := func(w, i int) error {
		id := people[whose(w, i, workers, len(people))]
		event := "bench:" + strconv.FormatInt(seq.Add(1), 10)
		at := enc.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))
		return db.Batch(func(tx *bolt.Tx) error {
			if err := tx.Bucket(buckets[0]).Put([]byte(id), person); err != nil {
				return err
			}
			wins := tx.Bucket(buckets[1])
			s, _ := wins.NextSequence()
			key := enc.BigEndian.AppendUint64(append(append([]byte(id), 0), at...), s)
			if err := wins.Put(key, win); err != nil {
				return err
			}
			ob := tx.Bucket(buckets[2])
			s, _ = ob.NextSequence()
			if err := ob.Put(enc.BigEndian.AppendUint64([]byte("bench\x00"), s), entry); err != nil {
				return err
			}
			if err := tx.Bucket(buckets[3]).Put([]byte(event), at); err != nil {
				return err
			}
			return tx.Bucket(buckets[4]).Put(append(at[:8:8], event...), nil)
		})
	}
	if err := parallel(workers, len(people), write); err != nil { // the same untimed round as the engine's
		return 0, err
	}
	start := time.Now()
	if err := parallel(workers, n, write); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
