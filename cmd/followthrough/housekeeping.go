package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// eventMemory is how long handled event ids are remembered to drop
// redeliveries; platforms redeliver within minutes.
const eventMemory = 48 * time.Hour

// startHousekeeping runs the few global jobs on a cron.Cron until ctx
// ends. Per-person reminders are not here: they live in the due index.
func startHousekeeping(ctx context.Context, db database, log *slog.Logger) {
	c := cron.New()
	c.AddFunc("17 * * * *", func() {
		n, err := db.ForgetEventsBefore(ctx, time.Now().Add(-eventMemory))
		if err != nil {
			log.Error("forget old event ids", "err", err)
			return
		}
		log.Debug("forgot old event ids", "count", n)
	})
	c.Start()
	go func() {
		<-ctx.Done()
		<-c.Stop().Done()
	}()
}
