//go:build bench

package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"followthrough/adapters/discord"
	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
	"followthrough/store"
)

// deliveryResult is the delivery share of the bench.
type deliveryResult struct {
	Messages   int     `json:"delivery_messages"`
	LimitPerS  int     `json:"delivery_limit_per_s"`
	Seconds    float64 `json:"delivery_s"`
	BoundS     float64 `json:"delivery_bound_s"`
	OverBound  float64 `json:"delivery_over_bound"`
	Got429     int     `json:"delivery_429s"`
	Requests   int     `json:"delivery_requests"`
	Lost       int     `json:"delivery_lost"`
	Duplicates int     `json:"delivery_duplicates"`
}

// benchDelivery sends n messages through the real discordgo client and
// the Discord adapter's sender to a local fake Discord that enforces a
// global limit of limit requests per second (any 1-second window), as
// Discord does, answering 429 with retry_after past it.
func benchDelivery(ctx context.Context, dir string, n, limit int) (deliveryResult, error) {
	res := deliveryResult{Messages: n, LimitPerS: limit, BoundS: float64(n) / float64(limit)}
	const token = "bench-token"
	fake := discordtest.Start(token)
	defer fake.Close()
	var mu sync.Mutex
	var window []time.Time
	fake.Fail = func(method, path string, _ map[string]any) *discordtest.Failure {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		for len(window) > 0 && now.Sub(window[0]) >= time.Second {
			window = window[1:]
		}
		if len(window) >= limit {
			wait := time.Second - now.Sub(window[0])
			return &discordtest.Failure{Status: 429, Body: fmt.Sprintf(`{"message":"You are being rate limited.","retry_after":%.3f,"global":true}`, wait.Seconds())}
		}
		window = append(window, now)
		return nil
	}

	db, err := store.Open(filepath.Join(dir, "delivery.db"), store.Options{})
	if err != nil {
		return res, err
	}
	defer db.Close()
	// n replies to n/10 people whose DM channels are known, queued as
	// a reminder fan-out would queue them.
	people := max(1, n/10)
	now := time.Now()
	for i := 0; i < people; i++ {
		id := bot.NewPersonID(discord.Platform, strconv.Itoa(100+i))
		if err := db.SetAddress(ctx, id, bot.Address{DM: discordtest.DMChannel(strconv.Itoa(100 + i))}); err != nil {
			return res, err
		}
		var replies []bot.Reply
		for j := i; j < n; j += people {
			replies = append(replies, bot.Reply{Key: "m" + strconv.Itoa(j), To: id, Visibility: bot.Private, Text: "bench message " + strconv.Itoa(j), At: now})
		}
		if err := db.Commit(ctx, bot.Change{Person: &bot.Person{ID: id, Identity: bot.Identity{LastSeen: now}}, Replies: replies}); err != nil {
			return res, err
		}
	}
	queued := make(chan struct{}, 1)
	a, err := discord.New(discord.Options{Token: token, APIURL: fake.URL, Store: db, Queued: queued,
		Rate: float64(limit) * 0.97, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return res, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- a.Run(runCtx) }()
	for {
		pending, err := db.Pending(ctx, discord.Platform, 1)
		if err != nil {
			cancel()
			return res, err
		}
		if len(pending) == 0 {
			break
		}
		select {
		case err := <-done:
			cancel()
			return res, fmt.Errorf("bench: the Discord adapter stopped: %v", err)
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
			cancel()
			return res, ctx.Err()
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.OverBound = res.Seconds / res.BoundS
	cancel()
	<-done
	seen := map[string]int{}
	for _, r := range fake.Requests() {
		res.Requests++
		if r.Status == 429 {
			res.Got429++
		}
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && r.Status < 300 {
			seen[fmt.Sprint(r.Body["content"])]++
		}
	}
	for j := 0; j < n; j++ {
		switch c := seen["bench message "+strconv.Itoa(j)]; {
		case c == 0:
			res.Lost++
		case c > 1:
			res.Duplicates += c - 1
		}
	}
	return res, nil
}
