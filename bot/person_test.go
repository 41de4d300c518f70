package bot_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"followthrough/bot"
)

// TestCloneCopiesEverythingShared: Clone copies exactly the fields of
// Person that hold references (slices and maps, however deep). A field
// of that kind added later fails this test until Clone copies it and it
// is listed here.
func TestCloneCopiesEverythingShared(t *testing.T) {
	var shared []string
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if typ == reflect.TypeFor[time.Time]() {
			return // its *Location is never changed
		}
		switch typ.Kind() {
		case reflect.Struct:
			for i := range typ.NumField() {
				walk(path+"."+typ.Field(i).Name, typ.Field(i).Type)
			}
		case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func:
			shared = append(shared, path)
		}
	}
	walk("Person", reflect.TypeFor[bot.Person]())
	want := []string{"Person.Groups", "Person.Memory.LastWording", "Person.Plan.Milestones", "Person.Safety.Replies",
		"Person.Safety.Resume.Draft.Change", "Person.Safety.Resume.Offered", "Person.Schedule.Pauses",
		"Person.Talk.Flow.Draft.Change", "Person.Talk.Flow.Offered"}
	slices.Sort(shared)
	if !slices.Equal(shared, want) {
		t.Fatalf("Person's reference fields are %v; Clone copies %v", shared, want)
	}

	p := &bot.Person{
		Plan:     bot.Plan{Milestones: []bot.Milestone{{Text: "first"}}},
		Schedule: bot.Schedule{Pauses: []bot.Period{{From: time.Unix(1, 0)}}},
		Memory:   bot.Memory{LastWording: map[string]int{"celebrate": 1}},
		Groups:   []bot.Membership{{Group: "g1"}},
		Talk:     bot.Conversation{Flow: bot.FlowState{Offered: []string{"a"}, Draft: bot.Draft{Change: &bot.PlanChange{Time: "08:00"}}}},
		Safety:   bot.Safety{Resume: bot.FlowState{Offered: []string{"b"}, Draft: bot.Draft{Change: &bot.PlanChange{Time: "09:00"}}}},
	}
	c := p.Clone()
	c.Plan.Milestones[0].Text, c.Schedule.Pauses[0].From = "changed", time.Unix(2, 0)
	c.Memory.LastWording["celebrate"], c.Groups[0].Share = 2, bot.Public
	c.Talk.Flow.Offered[0], c.Talk.Flow.Draft.Change.Time = "x", "x"
	c.Safety.Resume.Offered[0], c.Safety.Resume.Draft.Change.Time = "x", "x"
	if p.Plan.Milestones[0].Text != "first" || !p.Schedule.Pauses[0].From.Equal(time.Unix(1, 0)) ||
		p.Memory.LastWording["celebrate"] != 1 || p.Groups[0].Share != "" ||
		p.Talk.Flow.Offered[0] != "a" || p.Talk.Flow.Draft.Change.Time != "08:00" ||
		p.Safety.Resume.Offered[0] != "b" || p.Safety.Resume.Draft.Change.Time != "09:00" {
		t.Fatalf("changing the clone changed the original: %+v", p)
	}
}

// TestMembershipsPerGroup: joining a group twice keeps one membership,
// and each group keeps its own choices.
func TestMembershipsPerGroup(t *testing.T) {
	var p bot.Person
	p.Join("g1").Share = bot.Public
	p.Join("g2")
	p.Join("g1")
	if len(p.Groups) != 2 || !p.Membership("g1").Public() || p.Membership("g2").Public() || p.Membership("g3") != nil {
		t.Fatalf("memberships = %+v", p.Groups)
	}
}
