package bot

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"time"
)

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
	checkIns, err1 := t.e.store.CheckIns(p.ID, time.Time{})
	wins, err2 := t.e.store.Wins(p.ID, 1<<30)
	ratings, err3 := t.e.store.Ratings(p.ID, 1<<30)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.e.log.Error("export", "person", p.ID, "err", err)
			t.say("export.failed", nil)
			return
		}
	}
	checkIns = append(checkIns, t.checkIns...)
	data := exportData{ExportedAt: t.now, Person: p, CheckIns: checkIns, Wins: wins, Ratings: ratings}
	js, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		t.e.log.Error("export", "person", p.ID, "err", err)
		t.say("export.failed", nil)
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
	t.add(Reply{Text: t.render("export.ready", 0, map[string]any{"CheckInCount": len(checkIns), "WinCount": len(wins)}),
		Files: []File{
			{Name: "followthrough-" + day + ".json", Type: "application/json", Data: js},
			{Name: "followthrough-checkins-" + day + ".csv", Type: "text/csv", Data: buf.Bytes()},
		}})
}
