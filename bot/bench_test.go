package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

// BenchmarkHandleWin measures one event handled end to end (engine,
// durable bbolt commit, outbox) by one writer at a time, as in a console.
func BenchmarkHandleWin(b *testing.B) {
	k := bottest.New(b, bottest.Options{})
	k.Onboard("ana")
	id := bottest.ID("ana")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := k.Engine.Handle(context.Background(), bot.Event{Person: id, Command: "win", Text: "sent the email"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandleWinParallel is many people at once, whose commits bbolt
// can batch into one transaction.
func BenchmarkHandleWinParallel(b *testing.B) {
	k := bottest.New(b, bottest.Options{})
	const people = 64
	for i := 0; i < people; i++ {
		k.Onboard(fmt.Sprintf("p%d", i))
	}
	var next atomic.Int64
	b.SetParallelism(people / 2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := bottest.ID(fmt.Sprintf("p%d", next.Add(1)%people))
		for pb.Next() {
			if _, err := k.Engine.Handle(context.Background(), bot.Event{Person: id, Command: "win", Text: "sent the email"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
