package slack_test

import (
	"strings"
	"testing"

	"followthrough/adapters/slack"
)

// TestDistressIsAnsweredInPrivateOnSlack: through slack-go and the fake,
// distress sent with the slash command in a team channel is answered
// through the response URL (ephemeral: the person alone sees it), and
// nothing is posted to the team's channel, even for a public person.
func TestDistressIsAnsweredInPrivateOnSlack(t *testing.T) {
	r := start(t, slack.Socket)
	r.command(t, "UADM", "CTEAM", "setup <#CWINS|wins>", "Done")
	onboard(t, r, "UANA")
	r.say(t, "UANA", "share public", "")
	got := r.command(t, "UANA", "CTEAM", "win everyone would be better off without me", "not a crisis service")
	if strings.Contains(got, "🎉") {
		t.Fatalf("distress was celebrated: %q", got)
	}
	for _, c := range postsTo(r.fake.Calls(), "CWINS") {
		t.Errorf("posted to the team channel: %q", textOf(c))
	}
	if p := person(t, r, "UANA"); p.Counts.Wins != 0 {
		t.Errorf("distress was kept as a win")
	}
}
