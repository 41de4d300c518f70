// Package prompts holds everything Follow Through says, as text/template
// files embedded in the binary. A coach can put the bot in their own voice
// by pointing the config at a folder of files with the same names.
//
// A message is a file NAME.tmpl. Messages that would sound canned when
// repeated (celebrations) have variants NAME.1.tmpl, NAME.2.tmpl, ... and
// any file may have a per-platform version NAME.PLATFORM.tmpl or
// NAME.N.PLATFORM.tmpl, used in preference on that platform.
package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

//go:embed text/*.tmpl
var embedded embed.FS

// Platforms that may have their own versions of a message.
var platforms = map[string]bool{"console": true, "discord": true, "slack": true}

// Set is a loaded set of messages. It is read-only after New and safe for
// concurrent use.
type Set struct {
	// variants[name][platform] lists templates in variant order; platform
	// "" is the default.
	variants map[string]map[string][]*template.Template
}

// New loads the embedded messages, then any files in overrideDir (which
// may be empty) on top: a wording in an override replaces the embedded
// wording of the same name, variant and platform.
//
// A file holds one message (named by the file) or several short ones,
// each in a {{define "name"}}…{{end}} block (labels.tmpl, problems.tmpl):
// a block is the message of that name.
func New(overrideDir string) (*Set, error) {
	embeddedFiles := map[string]string{}
	if err := collect(embedded, "text", embeddedFiles); err != nil {
		return nil, err
	}
	entries, err := parseFiles(embeddedFiles)
	if err != nil {
		return nil, err
	}
	if overrideDir != "" {
		if st, err := os.Stat(overrideDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("prompts: override folder %s: not a readable folder", overrideDir)
		}
		overrideFiles := map[string]string{}
		if err := collect(os.DirFS(overrideDir), ".", overrideFiles); err != nil {
			return nil, err
		}
		overrides, err := parseFiles(overrideFiles)
		if err != nil {
			return nil, err
		}
		replaced := map[entryKey]bool{}
		for _, e := range overrides {
			replaced[e.key()] = true
		}
		kept := entries[:0]
		for _, e := range entries {
			if !replaced[e.key()] {
				kept = append(kept, e)
			}
		}
		entries = append(kept, overrides...)
	}
	s := &Set{variants: map[string]map[string][]*template.Template{}}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].n < entries[j].n })
	for _, e := range entries {
		if s.variants[e.name] == nil {
			s.variants[e.name] = map[string][]*template.Template{}
		}
		s.variants[e.name][e.platform] = append(s.variants[e.name][e.platform], e.t)
	}
	return s, nil
}

// entry is one wording of one message.
type entry struct {
	name, platform string
	n              int
	t              *template.Template
}

// entryKey is what an override replaces: one wording.
type entryKey struct {
	name, platform string
	n              int
}

func (e entry) key() entryKey { return entryKey{e.name, e.platform, e.n} }

// parseFiles parses message files (file name -> text) into entries, in
// file name order.
func parseFiles(files map[string]string) ([]entry, error) {
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	var out []entry
	for _, file := range names {
		name, n, platform, err := splitName(file)
		if err != nil {
			return nil, err
		}
		t, err := template.New(file).Option("missingkey=error").Funcs(funcs).Parse(files[file])
		if err != nil {
			return nil, fmt.Errorf("prompts: %w", err)
		}
		blocks := 0
		for _, d := range t.Templates() {
			if d.Name() == file || d.Tree == nil {
				continue
			}
			out = append(out, entry{name: d.Name(), platform: platform, t: d})
			blocks++
		}
		if blocks == 0 || hasText(t) {
			out = append(out, entry{name, platform, n, t})
		}
	}
	return out, nil
}

// hasText reports whether a file's own template says anything outside
// its define blocks.
func hasText(t *template.Template) bool {
	if t.Tree == nil {
		return false
	}
	for _, n := range t.Tree.Root.Nodes {
		if tn, ok := n.(*parse.TextNode); ok && strings.TrimSpace(string(tn.Text)) == "" {
			continue
		}
		return true
	}
	return false
}

func collect(fsys fs.FS, dir string, into map[string]string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("prompts: read %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("prompts: read %s: %w", e.Name(), err)
		}
		into[e.Name()] = string(b)
	}
	return nil
}

// splitName parses NAME[.N][.PLATFORM].tmpl.
func splitName(file string) (name string, n int, platform string, err error) {
	base := strings.TrimSuffix(file, ".tmpl")
	parts := strings.Split(base, ".")
	if last := parts[len(parts)-1]; len(parts) > 1 && platforms[last] {
		platform = last
		parts = parts[:len(parts)-1]
	}
	if last := parts[len(parts)-1]; len(parts) > 1 {
		if v, convErr := strconv.Atoi(last); convErr == nil {
			if v < 1 {
				return "", 0, "", fmt.Errorf("prompts: %s: variants are numbered from 1", file)
			}
			n = v
			parts = parts[:len(parts)-1]
		}
	}
	return strings.Join(parts, "."), n, platform, nil
}

// Variants reports how many wordings a message has.
func (s *Set) Variants(name string) int {
	return len(s.variants[name][""])
}

// Names lists every message name, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.variants))
	for n := range s.variants {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Say renders variant v of a message for a platform.
func (s *Set) Say(name, platform string, v int, data any) (string, error) {
	byPlatform, ok := s.variants[name]
	if !ok {
		return "", fmt.Errorf("prompts: no message %q", name)
	}
	list := byPlatform[platform]
	if len(list) == 0 {
		list = byPlatform[""]
	}
	if len(list) == 0 {
		return "", fmt.Errorf("prompts: message %q has no default version", name)
	}
	t := list[((v%len(list))+len(list))%len(list)]
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// funcs are helpers the templates may use.
var funcs = template.FuncMap{
	// quote wraps a person's own words in curly quotes, on one line.
	"quote": func(s string) string { return "“" + strings.Join(strings.Fields(s), " ") + "”" },
	// lower lower-cases the first letter, to use a phrase mid-sentence.
	"lower": func(s string) string {
		if s == "" {
			return s
		}
		r := []rune(s)
		if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' { // an acronym: leave it
			return s
		}
		if r[0] == 'I' && (len(r) == 1 || r[1] == '\'' || r[1] == '’' || r[1] == ' ') { // "I'd", "I am"
			return s
		}
		return strings.ToLower(string(r[:1])) + string(r[1:])
	},
	// cap upper-cases the first letter, to start a sentence with a phrase.
	"cap": func(s string) string {
		if s == "" {
			return s
		}
		r := []rune(s)
		return strings.ToUpper(string(r[:1])) + string(r[1:])
	},
	// an is the article for a number said aloud: "an 8", "an 11", "a 7".
	"an": func(number string) string {
		if strings.HasPrefix(number, "8") || number == "11" || number == "18" {
			return "an " + number
		}
		return "a " + number
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}
