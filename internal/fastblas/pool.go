package fastblas

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// helpers runs the blocks of a split Dgemv on goroutines that stay awake
// between products. A product of a 1000×1000 A takes about 150 µs; a fresh
// goroutine per block (or a parked one) has to be woken by the scheduler,
// which took long enough that splitting gained nothing (56 GB/s serial and
// split alike for A·x, 55 against 46 GB/s for Aᵀ·x), while a helper that
// was still polling for work doubled A·x (110 GB/s) and sped up Aᵀ·x by a
// quarter (68 GB/s) on our 2-core machine. The iterative solvers call
// Dgemv back to back, so a helper polls for helperSpin after each block,
// yielding its processor to any other runnable goroutine at every poll
// (runtime.Gosched), and then sleeps until the next product wakes it (the
// way OpenBLAS's threads wait). One product owns the helpers at a time; a
// product that finds them busy (another goroutine's) runs on its caller
// alone, which gives the same result.
var helpers helperPool

// helperSpin is how long a helper polls for the next block before it
// sleeps.
const helperSpin = 200 * time.Microsecond

type helperPool struct {
	owner sync.Mutex // held by the product using the helpers
	mu    sync.Mutex // guards list
	list  []*helper
}

type helper struct {
	job  atomic.Pointer[func()]
	done atomic.Bool
	wake chan struct{} // a token: there may be a job
}

// get returns k helpers, starting those not yet running.
func (p *helperPool) get(k int) []*helper {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.list) < k {
		h := &helper{wake: make(chan struct{}, 1)}
		h.done.Store(true)
		go h.run()
		p.list = append(p.list, h)
	}
	return p.list[:k]
}

func (h *helper) run() {
	for {
		f := h.job.Load()
		if f == nil {
			f = h.wait()
		}
		(*f)()
		h.job.Store(nil)
		h.done.Store(true)
	}
}

// wait polls for a job for helperSpin, then sleeps until woken with one.
func (h *helper) wait() *func() {
	deadline := time.Now().Add(helperSpin)
	for polls := 0; ; polls++ {
		if f := h.job.Load(); f != nil {
			return f
		}
		if polls%64 == 63 && time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	for {
		if f := h.job.Load(); f != nil {
			return f
		}
		<-h.wake
	}
}

// start gives h the job f.
func (h *helper) start(f func()) {
	h.done.Store(false)
	h.job.Store(&f)
	select {
	case h.wake <- struct{}{}:
	default: // a token is already there
	}
}

// finish waits for h's job to end.
func (h *helper) finish() {
	for !h.done.Load() {
		runtime.Gosched()
	}
}
