package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// A group is its members' rows in memberships, its settings
// (group_settings) and its last weekly round (weekly), which makes
// each week's digest and coach reports go out once, whichever instance
// computes them.

// Members returns the people with a membership of group, in id order.
func (db *DB) Members(ctx context.Context, group string) ([]*bot.Person, error) {
	rows, err := db.pool.Query(ctx, `SELECT p.id, p.version, p.doc FROM memberships m JOIN people p ON p.id = m.person
		WHERE m.grp = $1 ORDER BY p.id`, group)
	if err == nil {
		var out []*bot.Person
		if out, err = pgx.CollectRows(rows, scanPerson); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("postgres: members of %s: %w", group, err)
}

// Groups lists the groups that have members, in order.
func (db *DB) Groups(ctx context.Context) ([]string, error) {
	return column[string](ctx, db.pool, "groups", `SELECT DISTINCT grp FROM memberships ORDER BY grp`)
}

// GroupSettings returns a group's settings (zero when never set up).
func (db *DB) GroupSettings(ctx context.Context, group string) (bot.GroupSettings, error) {
	out, err := docs[bot.GroupSettings](ctx, db, "settings of group "+group, `SELECT doc FROM group_settings WHERE grp = $1`, group)
	if err != nil || len(out) == 0 {
		return bot.GroupSettings{}, err
	}
	return out[0], nil
}

// queueSettings queues the write of a group's settings.
func queueSettings(b *pgx.Batch, group string, g bot.GroupSettings) error {
	doc, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("postgres: encode settings of group %s: %w", group, err)
	}
	b.Queue(`INSERT INTO group_settings (grp, doc) VALUES ($1, $2) ON CONFLICT (grp) DO UPDATE SET doc = EXCLUDED.doc`, group, doc)
	return nil
}

// SetGroupSettings stores a group's settings. The engine changes them
// with a commit (bot.Change.Settings); this is for tests and tools.
func (db *DB) SetGroupSettings(ctx context.Context, group string, g bot.GroupSettings) error {
	b := &pgx.Batch{}
	if err := queueSettings(b, group, g); err != nil {
		return err
	}
	err := db.runBatch(ctx, b)
	if err != nil {
		return fmt.Errorf("postgres: set settings of group %s: %w", group, err)
	}
	return nil
}

// SettingsGroups lists the groups with settings: for copying a
// database.
func (db *DB) SettingsGroups(ctx context.Context) ([]string, error) {
	return column[string](ctx, db.pool, "groups' settings", `SELECT grp FROM group_settings ORDER BY grp`)
}

// WeeklyGroups lists the groups with a weekly round recorded: for
// copying a database.
func (db *DB) WeeklyGroups(ctx context.Context) ([]string, error) {
	return column[string](ctx, db.pool, "weekly rounds", `SELECT grp FROM weekly ORDER BY grp`)
}

// LastWeekly returns when a group's weekly round was last queued (zero
// when never).
func (db *DB) LastWeekly(ctx context.Context, group string) (time.Time, error) {
	at, err := column[int64](ctx, db.pool, "the last weekly round of "+group, `SELECT at_ns FROM weekly WHERE grp = $1`, group)
	if err != nil || len(at) == 0 {
		return time.Time{}, err
	}
	return time.Unix(0, at[0]).UTC(), nil
}

// CommitWeekly records that a group's weekly round due at was made and
// queues its replies, in one transaction. It does nothing and reports
// false when a round at or after at was already recorded, so a round
// computed twice, by one instance or two, is still sent once.
func (db *DB) CommitWeekly(ctx context.Context, group string, at time.Time, replies []bot.Reply) (bool, error) {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO weekly (grp, at_ns) VALUES ($1, $2)
		ON CONFLICT (grp) DO UPDATE SET at_ns = EXCLUDED.at_ns WHERE weekly.at_ns < EXCLUDED.at_ns`, group, nanos(at))
	if err := queueReplies(b, replies, at); err != nil {
		return false, err
	}
	done := false
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		n, err := execBatch(ctx, tx, b)
		if err != nil {
			return err
		}
		if done = n[0] == 1; !done {
			return errNothing
		}
		return nil
	})
	if errors.Is(err, errNothing) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: commit weekly round of %s: %w", group, err)
	}
	return done, nil
}

// errNothing rolls back a transaction that turned out to have nothing
// to do.
var errNothing = errors.New("nothing to do")
