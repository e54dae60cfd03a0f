// Package fastblas provides faster pure-Go versions of the BLAS routines
// that dominate gonum's dense factorizations.
//
// Implementation embeds gonum's own pure-Go BLAS (gonum.org/v1/gonum/blas/gonum)
// and overrides the routines that dominate the time of its dense
// factorizations:
//
//   - Dgemm, with a packed, cache-blocked, parallel algorithm in the style of
//     Goto and van de Geijn ("Anatomy of high-performance matrix
//     multiplication", ACM TOMS 34(3), 2008): panels of A and B are copied
//     into contiguous buffers and a 6×8 register-blocked micro-kernel runs
//     over them, in AVX2/FMA assembly on amd64 CPUs that report both (checked
//     with CPUID at start-up) and in Go elsewhere or when built with the
//     purego tag. Products with m ≤ 2 or k = 1, where packing does not pay,
//     stay with gonum's loops.
//   - Dtrsm and Dtrmm, by recursive splitting (Elmroth, Gustavson,
//     Jonsson and Kågström, "Recursive blocked algorithms and hybrid data
//     structures for dense matrix library software", SIAM Review 46(1),
//     2004) that hands the off-diagonal blocks to the Dgemm above; the small
//     diagonal blocks are done by gonum's routines, run on the processors in
//     parallel strips of B, except that a Dtrmm with a small triangle on the
//     right of a long B is one Dgemm with the triangle written out densely.
//   - Dsyrk, on the same packing and micro-kernel as Dgemm, run only on the
//     tiles that meet the wanted triangle (those across the diagonal through
//     a scratch tile), with each slice of op(A)ᵀ packed once and shared.
//   - Dgemv, memory bound, with kernels that stream A once: four rows of A
//     share each load of x for A·x, and eight rows update y in one pass for
//     Aᵀ·x (AVX2/FMA assembly behind the same CPU check; gonum's kernel
//     elsewhere); small and skinny products stay with gonum. Large products
//     are split among the processors by blocks of y, and results do not
//     depend on GOMAXPROCS. The column-pivoted QR (Dgeqp3), the
//     bidiagonalization (Dgebrd) and the Krylov solvers spend about half
//     their flops there.
//   - GemvPair (not a BLAS routine): y = alpha·A·x + beta·y and z = alpha·Aᵀ·y
//     in one pass over A, each block of rows used twice while in cache, for
//     the Golub–Kahan steps of LSQR and LSMR (2000×2000: 0.95 ms against
//     1.3–1.6 ms for the two Dgemv calls).
//   - Dtrsv and Dtrmv of order ≥ 256 with unit stride, by blocks of 128 rows:
//     gonum's routine on each diagonal block, the rest of the block row
//     through the Dgemv above (2.5–3× faster at n = 1000 to 2000).
//
// Every other routine is gonum's. Products big enough (2·m·n·k ≥ 2²¹ flops,
// or an A of 2²¹ entries for Dgemv) use up to GOMAXPROCS goroutines.
//
// # Memory
//
// Each goroutine of a Dgemm or Dsyrk packs into its own workspace of at most
// 4.2 MiB (a 96×256 block of A and a 256×2048 panel of B, in float64s; less
// for small products). Workspaces are kept for reuse, up to GOMAXPROCS of
// them, for the life of the program, so that repeated solves do not allocate
// them again: a few MiB per processor, never returned to the garbage
// collector. More concurrent calls allocate more and drop the surplus.
//
// # Installing
//
// gonum's mat and lapack/gonum packages call the BLAS through the
// process-wide implementation of gonum.org/v1/gonum/blas/blas64. Install
// replaces it, which changes the speed, but also the rounding, of every gonum
// matrix operation in the program. It is a global side effect: call it once,
// from main or an init function, before any goroutine uses gonum.
//
// # Accuracy
//
// Dgemm sums each entry in a different order from gonum's reference, and with
// fused multiply-adds, so the results differ in the last bits. Both satisfy
// the standard bound for inner products (Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., §3.1 and §3.5):
//
//	|C − Ĉ| ≤ γ_{k+2} · (|alpha|·|op(A)|·|op(B)| + |beta|·|C|),   γ_j = j·u/(1 − j·u),
//
// elementwise, with u = 2⁻⁵³. The tests compare against a naive triple loop
// and against gonum with twice that bound (both results carry the error),
// check Dsyrk and Dtrmm the same way, Dtrsm by its residual and Dgemv
// against a naive loop with the same bound (k the length of each dot
// product), and run with
// padded strides, NaN where nothing may be read, and the pure-Go kernel as
// well as the assembly one.
package fastblas
