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
	want := []string{"Person.Flow.Draft", "Person.LastWording", "Person.Milestones", "Person.Pauses"}
	slices.Sort(shared)
	if !slices.Equal(shared, want) {
		t.Fatalf("Person's reference fields are %v; Clone copies %v", shared, want)
	}

	p := &bot.Person{
		Milestones:  []bot.Milestone{{Text: "first"}},
		Pauses:      []bot.Period{{From: time.Unix(1, 0)}},
		LastWording: map[string]int{"celebrate": 1},
		Flow:        bot.FlowState{Draft: map[string]string{"goal": "run"}},
	}
	c := p.Clone()
	c.Milestones[0].Text, c.Pauses[0].From = "changed", time.Unix(2, 0)
	c.LastWording["celebrate"], c.Flow.Draft["goal"] = 2, "swim"
	if p.Milestones[0].Text != "first" || !p.Pauses[0].From.Equal(time.Unix(1, 0)) || p.LastWording["celebrate"] != 1 || p.Flow.Draft["goal"] != "run" {
		t.Fatalf("changing the clone changed the original: %+v", p)
	}
}
