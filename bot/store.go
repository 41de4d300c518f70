package bot

import (
	"context"
	"errors"
	"time"
)

// Errors a Store reports that the engine acts on.
var (
	// ErrConflict means the person changed since they were loaded; the
	// engine reloads and handles the event again.
	ErrConflict = errors.New("person changed concurrently")
	// ErrDuplicate means the event id was already handled.
	ErrDuplicate = errors.New("event already handled")
)

// Change is everything one handled event (or one fired reminder) changes,
// written by Store.Commit in a single transaction: the person's new state,
// their new records, the replies for the outbox and the event id.
type Change struct {
	Person *Person
	// Expect is the Version the person had when loaded (0 for new people).
	Expect   uint64
	EventID  string
	CheckIns []CheckIn // upserted by At
	Wins     []Win
	Ratings  []Rating // upserted by At
	Replies  []Reply
	// Settings, when set, replaces a group's settings (setup).
	Settings *GroupChange
}

// GroupChange is a group's new settings.
type GroupChange struct {
	Group    string
	Settings GroupSettings
}

// Store is the persistence the engine needs. store.DB implements it on
// bbolt; every method is safe for concurrent use. Every method takes a
// context: a networked store gives up when it is done.
type Store interface {
	PeopleStore
	RecordStore
	GroupStore
	DueStore
}

// PeopleStore keeps people, and commits what an event changed.
type PeopleStore interface {
	// Person loads one person. ok is false when they are new.
	Person(ctx context.Context, id PersonID) (p *Person, ok bool, err error)
	// Load loads a person for an event, at most one read: seen reports
	// that eventID (if not empty) was handled before, and then p is nil;
	// p is nil too for someone new. seen may be false for an event seen
	// before (a person kept in memory is not read); Commit then refuses
	// it with ErrDuplicate, so a redelivery still changes nothing.
	Load(ctx context.Context, id PersonID, eventID string) (p *Person, seen bool, err error)
	// Commit writes a Change atomically, increments the person's Version
	// and keeps the due and group indexes in step with the person. It
	// returns ErrConflict when the stored Version is not c.Expect and
	// ErrDuplicate when c.EventID was seen before.
	Commit(ctx context.Context, c Change) error
	// Forget deletes everything about a person, leaving no trace in the
	// file (freed pages included). eventID, if not empty, is remembered
	// as handled, so that a redelivered confirmation changes nothing.
	Forget(ctx context.Context, id PersonID, eventID string) error
}

// RecordStore reads a person's records.
type RecordStore interface {
	// CheckIns returns the person's check-ins at or after since, oldest first.
	CheckIns(ctx context.Context, id PersonID, since time.Time) ([]CheckIn, error)
	// Wins returns the person's most recent wins, newest first, at most n.
	Wins(ctx context.Context, id PersonID, n int) ([]Win, error)
	// Ratings returns the person's most recent ratings, oldest first, at
	// most n.
	Ratings(ctx context.Context, id PersonID, n int) ([]Rating, error)
}

// GroupStore keeps groups: their members, settings and weekly rounds.
type GroupStore interface {
	// Members returns the people of a group, in id order.
	Members(ctx context.Context, group string) ([]*Person, error)
	// Groups lists the groups that have members.
	Groups(ctx context.Context) ([]string, error)
	// GroupSettings returns a group's settings (zero when never set up).
	GroupSettings(ctx context.Context, group string) (GroupSettings, error)
	// LastWeekly returns when a group's weekly round was last made.
	LastWeekly(ctx context.Context, group string) (time.Time, error)
	// CommitWeekly records a group's round due at and queues its replies
	// in one transaction; it reports false, changing nothing, when a
	// round at or after at was already recorded.
	CommitWeekly(ctx context.Context, group string, at time.Time, replies []Reply) (bool, error)
	// ForgetGroup deletes a whole group: every member, every person whose
	// id starts with prefix (a Slack workspace's people, members or
	// not), its settings and what is queued for it. It returns how many
	// people were forgotten.
	ForgetGroup(ctx context.Context, group string, prefix PersonID) (int, error)
}

// DueStore is the reminder due index.
type DueStore interface {
	// NextDue returns the earliest reminder time in the due index.
	NextDue(ctx context.Context) (t time.Time, ok bool, err error)
	// FireDue takes up to max people whose reminder is due at or before
	// now and calls fire for each with the time it was due. fire returns
	// the person's new state (with Schedule.Next moved on) and the
	// replies to queue; both are written in the same transaction that
	// removes the old due entry. fire must be free of side effects: the
	// store may call it again if the transaction is retried.
	FireDue(ctx context.Context, now time.Time, max int, fire func(p *Person, due time.Time) []Reply) (n int, err error)
}
