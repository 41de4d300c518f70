package storetest

import (
	"slices"
	"testing"
	"time"

	"followthrough/bot"
)

// member makes p a member of groups.
func member(p *bot.Person, groups ...string) *bot.Person {
	for _, g := range groups {
		p.Join(g)
	}
	return p
}

// ids are the ids of people.
func ids(people []*bot.Person) []bot.PersonID {
	out := make([]bot.PersonID, len(people))
	for i, p := range people {
		out[i] = p.ID
	}
	return out
}

// members fails the test unless group's members are want, in order.
func members(t *testing.T, s Store, group string, want ...bot.PersonID) {
	t.Helper()
	got, err := s.Members(t.Context(), group)
	if err != nil || !slices.Equal(ids(got), want) {
		t.Fatalf("Members(%q) = %v, %v; want %v", group, ids(got), err, want)
	}
}

// groupsMemberships: a person belongs to each of their groups, Members
// lists a group's people in id order (whole, with their memberships),
// Groups lists each group once, and leaving a group leaves its list.
func groupsMemberships(t *testing.T, s Store) {
	ctx := t.Context()
	commit(t, s, bot.Change{Person: member(newPerson("sam"), "b", "a")})
	commit(t, s, bot.Change{Person: member(newPerson("ana"), "a", "c", "b")})
	commit(t, s, bot.Change{Person: member(newPerson("ana2"), "b")})
	commit(t, s, bot.Change{Person: newPerson("loner")})
	members(t, s, "a", "test:ana", "test:sam")
	members(t, s, "b", "test:ana", "test:ana2", "test:sam")
	members(t, s, "c", "test:ana")
	members(t, s, "nobody's")
	got, _ := s.Members(ctx, "b")
	if m := got[0].Membership("c"); m == nil || len(got[0].Groups) != 3 || got[0].Groups[0].Group != "a" {
		t.Fatalf("a member's groups = %+v; want a, c, b", got[0].Groups)
	}
	groups, err := s.Groups(ctx)
	slices.Sort(groups)
	if err != nil || !slices.Equal(groups, []string{"a", "b", "c"}) {
		t.Fatalf("Groups = %q, %v", groups, err)
	}

	ana := load(t, s, "test:ana")
	ana.Groups = slices.DeleteFunc(ana.Groups, func(m bot.Membership) bool { return m.Group != "b" })
	ana.Groups[0].Share = bot.Public
	commit(t, s, bot.Change{Person: ana, Expect: ana.Version})
	members(t, s, "a", "test:sam")
	members(t, s, "b", "test:ana", "test:ana2", "test:sam")
	members(t, s, "c")
	if got := load(t, s, "test:ana"); !got.Membership("b").Public() {
		t.Errorf("ana's share in b = %q", got.Membership("b").Share)
	}
	groups, _ = s.Groups(ctx)
	slices.Sort(groups)
	if !slices.Equal(groups, []string{"a", "b"}) {
		t.Fatalf("Groups after c lost its last member = %q", groups)
	}
}

// groupsSettings: settings written with a person's commit are the
// group's, and a refused commit writes none.
func groupsSettings(t *testing.T, s Store) {
	ctx := t.Context()
	if g, err := s.GroupSettings(ctx, "g"); err != nil || g.Channel != "" || len(g.Coaches) != 0 {
		t.Fatalf("settings never set up = %+v, %v", g, err)
	}
	admin := member(newPerson("admin"), "g")
	set := bot.GroupSettings{Channel: "C1", ChannelName: "wins", CoachRole: "R1", Coaches: []bot.PersonID{"test:coach"},
		Zone: "Europe/Berlin", DigestDay: "friday", DigestTime: "17:00", By: admin.ID, At: start()}
	commit(t, s, bot.Change{Person: admin, Settings: &bot.GroupChange{Group: "g", Settings: set}})
	got, err := s.GroupSettings(ctx, "g")
	if err != nil || got.Channel != "C1" || got.ChannelName != "wins" || got.CoachRole != "R1" || !slices.Equal(got.Coaches, set.Coaches) ||
		got.Zone != set.Zone || got.DigestDay != "friday" || got.DigestTime != "17:00" || got.By != admin.ID || !got.At.Equal(start()) {
		t.Fatalf("settings = %+v, %v; want %+v", got, err, set)
	}
	if other, _ := s.GroupSettings(ctx, "h"); other.Channel != "" {
		t.Errorf("another group's settings = %+v", other)
	}
	moved := set
	moved.Channel = "C2"
	refused := bot.Change{Person: admin, Expect: 7, Settings: &bot.GroupChange{Group: "g", Settings: moved}}
	wantErr(t, "settings with a stale version", s.Commit(ctx, refused), bot.ErrConflict)
	if got, _ := s.GroupSettings(ctx, "g"); got.Channel != "C1" {
		t.Fatalf("a refused commit changed the settings: %+v", got)
	}
}

// groupsWeeklyOnce: a group's weekly round is recorded with its replies
// once; a round at or before the last one changes nothing.
func groupsWeeklyOnce(t *testing.T, s Store) {
	ctx := t.Context()
	if last, err := s.LastWeekly(ctx, "b"); err != nil || !last.IsZero() {
		t.Fatalf("LastWeekly of a new group = %v, %v", last, err)
	}
	at := start().Add(9 * time.Hour)
	digest := bot.Reply{Key: "weekly/b/1/digest", Text: "🌟 well done", Visibility: bot.Public, Place: bot.Place{Group: "b"}, Platform: platform}
	for i, want := range []bool{true, false} {
		done, err := s.CommitWeekly(ctx, "b", at, []bot.Reply{digest})
		if err != nil || done != want {
			t.Fatalf("CommitWeekly #%d = %v, %v; want %v", i+1, done, err, want)
		}
	}
	if done, _ := s.CommitWeekly(ctx, "b", at.Add(-time.Second), []bot.Reply{digest}); done {
		t.Fatal("an older round was made after a newer one")
	}
	if last, err := s.LastWeekly(ctx, "b"); err != nil || !last.Equal(at) {
		t.Fatalf("LastWeekly = %v, %v; want %v", last, err, at)
	}
	if last, _ := s.LastWeekly(ctx, "c"); !last.IsZero() {
		t.Errorf("another group's round = %v", last)
	}
	q := pending(t, s)
	if len(q) != 1 || q[0].Reply.Key != digest.Key || q[0].Platform != platform {
		t.Fatalf("outbox after the round = %+v", q)
	}
	if done, _ := s.CommitWeekly(ctx, "b", at.Add(7*24*time.Hour), []bot.Reply{digest}); !done {
		t.Fatal("next week's round was refused")
	}
}

// groupsSetSettings: settings set directly (tools, tests) replace the
// group's whole, and leave other groups be.
func groupsSetSettings(t *testing.T, s Store) {
	ctx := t.Context()
	if err := s.SetGroupSettings(ctx, "g", bot.GroupSettings{Channel: "C1", Coaches: []bot.PersonID{"test:a"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetGroupSettings(ctx, "h", bot.GroupSettings{Channel: "C9"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetGroupSettings(ctx, "g", bot.GroupSettings{Channel: "C2", At: start()}); err != nil {
		t.Fatal(err)
	}
	if g, err := s.GroupSettings(ctx, "g"); err != nil || g.Channel != "C2" || len(g.Coaches) != 0 || !g.At.Equal(start()) {
		t.Fatalf("g's settings = %+v, %v", g, err)
	}
	if h, _ := s.GroupSettings(ctx, "h"); h.Channel != "C9" {
		t.Errorf("h's settings = %+v", h)
	}
}
