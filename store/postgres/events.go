package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Inbound event ids are remembered for a day or two, so that a
// redelivered event changes nothing, on whichever instance it lands.
// As in the bbolt store, none is stored as it came (a platform's event
// id can carry a person's platform ids): event_ids holds the keyed hash
// of each (see DB.hash), the time it was handled, and the hash of the
// person it was for, by which Forget deletes exactly theirs.

// queueEvent queues remembering an event as handled at for person (nil:
// for nobody); it affects no row when the event was handled before.
func queueEvent(b *pgx.Batch, event, person []byte, at time.Time) {
	b.Queue(`INSERT INTO event_ids (hash, at_ns, person) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING`, event, nanos(at), person)
}

// ForgetEventsBefore drops remembered event ids older than t: platforms
// redeliver within minutes, so a day or two of memory is plenty.
func (db *DB) ForgetEventsBefore(ctx context.Context, t time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM event_ids WHERE at_ns < $1`, nanos(t))
	if err != nil {
		return 0, fmt.Errorf("postgres: forget old event ids: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
