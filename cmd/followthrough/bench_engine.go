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
}

// benchEngine measures inbound events handled end to end (engine, durable
// bbolt commit with fsync, outbox) by workers for people people, against
// the raw ceiling of bbolt's batched writes of the same size on the same
// disk; then the latency of each event at a steady rate.
func benchEngine(ctx context.Context, dir string, people, events, workers, steady int, steadyFor time.Duration) (engineResult, error) {
	var res engineResult
	db, err := store.Open(filepath.Join(dir, "engine.db"), store.Options{})
	if err != nil {
		return res, err
	}
	defer db.Close()
	words, err := prompts.New("")
	if err != nil {
		return res, err
	}
	engine, err := bot.New(bot.Config{Store: db, Words: words})
	if err != nil {
		return res, err
	}
	now := time.Now()
	all := make([]*bot.Person, people)
	for i := range all {
		all[i] = &bot.Person{ID: bot.NewPersonID("bench", strconv.Itoa(i)), Name: "Person " + strconv.Itoa(i), Zone: benchZones[i%len(benchZones)],
			Version: 1, Joined: now.Add(-30 * 24 * time.Hour), LastSeen: now.Add(-time.Hour), Onboarded: true,
			Goal: "Write 300 words of my novel every weekday", Step: "open the draft and write one sentence",
			Anchor: bot.Anchor{Habit: "my morning coffee", Time: "09:00"}, Schedule: bot.Schedule{Cron: "0 9 * * *", Label: "daily at 09:00"}}
	}
	if err := db.Import(all, 0); err != nil {
		return res, err
	}
	var seq atomic.Int64
	handle := func(person int) error {
		n := seq.Add(1)
		_, err := engine.Handle(ctx, bot.Event{ID: "bench:" + strconv.FormatInt(n, 10), Person: all[person].ID,
			Command: "win", Text: "wrote " + strconv.FormatInt(n, 10) + " words before breakfast"})
		return err
	}

	// Throughput: each worker has its own people, as separate chats do.
	start := time.Now()
	if err := parallel(workers, events, func(w, i int) error { return handle((w + i*workers) % people) }); err != nil {
		return res, err
	}
	res.EventsPerS = float64(events) / time.Since(start).Seconds()

	// The ceiling: raw bbolt, batched, the same number of transactions'
	// worth of writes (a person record and an outbox entry each).
	ceiling, err := boltCeiling(filepath.Join(dir, "ceiling.db"), events, workers)
	if err != nil {
		return res, err
	}
	res.CeilingPerS = ceiling
	res.OfCeiling = res.EventsPerS / ceiling

	// Latency at a steady rate: events start on a clock, not when the
	// previous one ends (an open loop), so queueing shows in the figures.
	res.SteadyRate = steady
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
		return res, err
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	res.P50ms, res.P99ms = ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100])
	return res, nil
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

// boltCeiling is bbolt's own batched write rate with fsync: n
// transactions from workers goroutines through DB.Batch, each writing
// what an event writes at least (a 600-byte record and a 300-byte one).
func boltCeiling(path string, n, workers int) (float64, error) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// Tuned for this load rather than left at bbolt's defaults (10 ms,
	// 1000): a batch closes as soon as every worker is in it.
	db.MaxBatchSize, db.MaxBatchDelay = workers, 2*time.Millisecond
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"people", "outbox"} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return 0, err
	}
	record, entry := make([]byte, 600), make([]byte, 300)
	start := time.Now()
	err = parallel(workers, n, func(w, i int) error {
		return db.Batch(func(tx *bolt.Tx) error {
			key := []byte(fmt.Sprintf("person-%d", (w+i*workers)%1000))
			if err := tx.Bucket([]byte("people")).Put(key, record); err != nil {
				return err
			}
			ob := tx.Bucket([]byte("outbox"))
			s, _ := ob.NextSequence()
			return ob.Put(enc.BigEndian.AppendUint64(nil, s), entry)
		})
	})
	if err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
