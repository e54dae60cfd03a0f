package sweep

import "sync"

// cell is one unit of work of a sweep: grid point i, repetition rep.
type cell struct{ i, rep int }

// runCells runs work on every cell (i, rep) with i in order and rep < reps,
// on the given number of goroutines, in rounds of repetitions (each round
// visits order in turn, so that the progress rate is even and, with the
// costliest points first, the workers stay balanced). collect receives every
// result from the calling goroutine, so it needs no locking; progress, when
// not nil, is called after each with the number done and the total.
func runCells[R any](workers, reps int, order []int, work func(cell) R, collect func(cell, R), progress func(done, total int)) {
	type done struct {
		c cell
		r R
	}
	jobs := make(chan cell)
	results := make(chan done)
	var wg sync.WaitGroup
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				results <- done{c, work(c)}
			}
		}()
	}
	go func() {
		for rep := 0; rep < reps; rep++ {
			for _, i := range order {
				jobs <- cell{i, rep}
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	total, count := reps*len(order), 0
	for d := range results {
		collect(d.c, d.r)
		count++
		if progress != nil {
			progress(count, total)
		}
	}
}
