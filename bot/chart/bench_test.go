package chart

import "testing"

func BenchmarkCalendar(b *testing.B) {
	benchmarkChart(b, sampleCalendar(b).PNG)
}

func BenchmarkTrend(b *testing.B) {
	benchmarkChart(b, sampleTrend(b).PNG)
}

func BenchmarkMilestones(b *testing.B) {
	benchmarkChart(b, sampleMilestones(b).PNG)
}

// benchmarkChart measures rendering one chart to PNG bytes.
func benchmarkChart(b *testing.B, png func() ([]byte, error)) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := png(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrendLong draws a rating a day for three years.
func BenchmarkTrendLong(b *testing.B) {
	tr := sampleTrend(b)
	start := tr.Points[0].At
	tr.Points = nil
	for i := range 3 * 365 {
		tr.Points = append(tr.Points, Point{At: start.AddDate(0, 0, i), Value: 1 + i*7%10})
	}
	benchmarkChart(b, tr.PNG)
}
