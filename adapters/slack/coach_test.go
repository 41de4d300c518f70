package slack_test

import (
	"strings"
	"testing"

	"followthrough/adapters/slack"
	"followthrough/bot"
)

// TestCoachIsNamedByMentionAndByTheAdmin: through slack-go and the fake,
// a workspace admin names the coaches with mentions; a member who names
// someone else is refused; naming the coach by mention asks for consent
// that says who exactly, and only a yes shares the summary.
func TestCoachIsNamedByMentionAndByTheAdmin(t *testing.T) {
	r := start(t, slack.Socket)
	onboard(t, r, "UANA")
	r.say(t, "UBEN", "hi", "what brought you here")
	if got := r.command(t, "UADM", "CTEAM", "setup coaches <@UBEN|ben>", "coaches here"); !strings.Contains(got, "The coaches here: ben") {
		t.Fatalf("setup coaches answered %q", got)
	}
	if got := r.command(t, "UANA", "CTEAM", "coach <@UADM|ada>", "coaches"); !strings.Contains(got, "isn't one of this group's coaches") {
		t.Fatalf("a coach the admin did not name was accepted: %q", got)
	}
	got := r.command(t, "UANA", "CTEAM", "coach <@UBEN|ben>", "Share your progress summary")
	if !strings.Contains(got, "ben") {
		t.Fatalf("the consent question does not say who: %q", got)
	}
	if m := person(t, r, "UANA").Membership("T0001"); m == nil || m.Coach != "" {
		t.Fatalf("the coach was set before a yes: %+v", m)
	}
	n := len(postsTo(r.fake.Calls(), "response_url"))
	ids := buttonIDs(t, r.expect(t, "response_url", n-1, "Share your progress summary"))
	r.fake.Click(t, "UANA", "CTEAM", ids["yes"], "yes")
	r.expect(t, "response_url", n, "can now see your summary")
	if m := person(t, r, "UANA").Membership("T0001"); m.Coach != bot.NewPersonID("slack", "T0001", "UBEN") {
		t.Fatalf("coach = %q", m.Coach)
	}
	if got := r.command(t, "UBEN", "CTEAM", "coach", "sharing with you"); !strings.Contains(got, "Write 300 words every weekday") {
		t.Fatalf("the coach's view: %q", got)
	}
}
