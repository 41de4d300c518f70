package bot

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"time"
)

// Privacy: public or private accountability (technique 10), and a
// person's data, theirs to take (export) and to delete (forget).

const flowForget FlowID = "forget"

const stepForgetConfirm StepID = "confirm"

const askForget = "forget"

var forgetChoices = []Choice{{Label: "label.forget.yes", Value: "yes"}, {Label: "label.forget.no", Value: "no"}}

func forgetFlow() *Flow {
	return &Flow{ID: flowForget, First: stepForgetConfirm, Steps: []*Step{
		{ID: stepForgetConfirm, Prompt: "forget.confirm", Ask: askForget, Choice: forgetChoices, ReAsk: "forget.confirm.reask", Expect: ExpectYesNo, Parse: parseForget},
	}}
}

func cmdForget(t *turn, _ string) { t.start(flowForget) }

// parseForget deletes everything only on a clear yes.
func parseForget(t *turn, r Reading) Next {
	switch {
	case forgetYes(r.Text):
		t.forget = true
		return leave().saying(say("forget.done"))
	case slices.Contains([]string{"no", "no, keep it", "keep", "cancel"}, normal(r.Text)):
		return finish().saying(say("forget.kept"))
	}
	return reask("problem.forget.yesno")
}

// forgetYes reports whether text is a clear yes to forget.
func forgetYes(text string) bool {
	return slices.Contains([]string{"yes", "yes, delete everything", "delete", "delete everything"}, normal(text))
}

// lateForgetYes reports whether ev, from someone the store does not know,
// is a forget confirmation come again: the forget's own event
// redelivered under another id, a second "yes" typed right after, or the
// button pressed twice. It is answered with nothing and stores nothing:
// answering would re-create the person just forgotten and start
// onboarding them. A newcomer's first word being a bare "yes" loses
// nothing by it: there is nothing it could answer.
func lateForgetYes(ev Event) bool {
	if ev.Action != "" {
		return ev.Action == askForget
	}
	// The console delivers nothing twice: there a first "yes" is a
	// newcomer's first word, and is answered.
	return ev.Command == "" && ev.Person.Platform() != "console" && forgetYes(ev.Text)
}

// cmdShare sets whether the person's wins go to their group: the group
// the command came from, or every group when said in private.
func cmdShare(t *turn, args string) {
	var v Visibility
	switch normal(args) {
	case "public", "group", "on":
		v = Public
	case "private", "off", "dm":
		v = Private
	default:
		t.say(sayWith("share.show", Extra{Public: t.sharesPublicly()}))
		return
	}
	if m := t.p.Membership(t.ev.Place.Group); m != nil {
		m.Share = v
	} else {
		for i := range t.p.Groups {
			t.p.Groups[i].Share = v
		}
	}
	t.say(sayWith("share.set", Extra{Public: v == Public}))
}

// sharesPublicly reports whether the person shares publicly where the
// event came from (or anywhere, in private).
func (t *turn) sharesPublicly() bool {
	if m := t.p.Membership(t.ev.Place.Group); m != nil {
		return m.Public()
	}
	for _, m := range t.p.Groups {
		if m.Public() {
			return true
		}
	}
	return false
}

// exportData is everything the bot keeps about a person, as they get it
// from "export".
type exportData struct {
	ExportedAt time.Time `json:"exported_at"`
	Person     *Person   `json:"person"`
	CheckIns   []CheckIn `json:"check_ins"`
	Wins       []Win     `json:"wins"`
	Ratings    []Rating  `json:"ratings"`
}

// cmdExport sends the person all their data: a JSON file with everything
// and a CSV of check-ins, in private.
func cmdExport(t *turn, _ string) {
	p := t.p
	checkIns, err1 := t.e.store.CheckIns(t.ctx, p.ID, time.Time{})
	wins, err2 := t.e.store.Wins(t.ctx, p.ID, 1<<30)
	ratings, err3 := t.e.store.Ratings(t.ctx, p.ID, 1<<30)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.e.log.Error("export", "person", p.ID, "err", err)
			t.say(say("export.failed"))
			return
		}
	}
	checkIns = append(checkIns, t.checkIns...)
	js, err := json.MarshalIndent(exportData{ExportedAt: t.now, Person: p, CheckIns: checkIns, Wins: wins, Ratings: ratings}, "", "  ")
	if err != nil {
		t.e.log.Error("export", "person", p.ID, "err", err)
		t.say(say("export.failed"))
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"time", "local_time", "outcome", "note"})
	for _, c := range checkIns {
		w.Write([]string{c.At.UTC().Format(time.RFC3339), c.At.In(t.loc).Format("2006-01-02 15:04 MST"), string(c.Outcome), c.Note})
	}
	w.Flush()
	day := t.now.In(t.loc).Format("2006-01-02")
	t.add(Reply{Text: t.render("export.ready", 0, Extra{CheckInCount: len(checkIns), WinCount: len(wins)}),
		Files: []File{
			{Name: "followthrough-" + day + ".json", Type: "application/json", Data: js},
			{Name: "followthrough-checkins-" + day + ".csv", Type: "text/csv", Data: buf.Bytes()},
		}})
}
