//go:build !purego

#include "textflag.h"

// Lane masks for VMASKMOVPD: the four quadwords at gemvMask<>+8·(3−r) enable
// the first r lanes, r = 1, 2, 3. Masked-out lanes load as zero and are not
// stored, so the kernels never touch memory past the last column.
DATA gemvMask<>+0(SB)/8, $-1
DATA gemvMask<>+8(SB)/8, $-1
DATA gemvMask<>+16(SB)/8, $-1
DATA gemvMask<>+24(SB)/8, $0
DATA gemvMask<>+32(SB)/8, $0
DATA gemvMask<>+40(SB)/8, $0
GLOBL gemvMask<>(SB), RODATA|NOPTR, $48

// func gemvNAVX2(m, n int, alpha float64, a *float64, lda int, x, y *float64, incY int)
//
// y[i·incY] += alpha · Σ_{j<n} a[i·lda+j]·x[j] for i < m, n ≥ 1; incY may be
// negative. Four rows at a time share each load of x: Y0–Y3 accumulate the
// first and Y4–Y7 the second half of eight columns of rows 0–3.
TEXT ·gemvNAVX2(SB), NOSPLIT, $0-64
	MOVQ m+0(FP), CX
	MOVQ n+8(FP), R10
	MOVQ a+24(FP), R12
	MOVQ lda+32(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	MOVQ x+40(FP), R13
	MOVQ y+48(FP), DX
	MOVQ incY+56(FP), R11
	SHLQ $3, R11
	VBROADCASTSD alpha+16(FP), Y13

	// Y15 = mask of the n mod 4 last columns, Y14 = those entries of x.
	MOVQ R10, AX
	ANDQ $3, AX
	JEQ  nomask
	MOVQ $3, BX
	SUBQ AX, BX
	LEAQ gemvMask<>(SB), AX
	VMOVUPD (AX)(BX*8), Y15
	MOVQ R10, AX
	ANDQ $-4, AX
	VMASKMOVPD (R13)(AX*8), Y15, Y14

nomask:
	MOVQ CX, AX
	SHRQ $2, CX
	ANDQ $3, AX
	MOVQ AX, m+0(FP) // rows left after the blocks of four
	TESTQ CX, CX
	JEQ   rows1

rows4:
	MOVQ   R12, SI
	MOVQ   R13, DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   R10, BX
	SHRQ   $3, BX
	JEQ    n4tail4

n4loop8:
	VMOVUPD     (DI), Y8
	VMOVUPD     32(DI), Y9
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD 32(SI), Y9, Y4
	VFMADD231PD (SI)(R8*1), Y8, Y1
	VFMADD231PD 32(SI)(R8*1), Y9, Y5
	VFMADD231PD (SI)(R8*2), Y8, Y2
	VFMADD231PD 32(SI)(R8*2), Y9, Y6
	VFMADD231PD (SI)(R9*1), Y8, Y3
	VFMADD231PD 32(SI)(R9*1), Y9, Y7
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        BX
	JNE         n4loop8

n4tail4:
	TESTQ $4, R10
	JEQ   n4tailmask
	VMOVUPD     (DI), Y8
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD (SI)(R8*1), Y8, Y1
	VFMADD231PD (SI)(R8*2), Y8, Y2
	VFMADD231PD (SI)(R9*1), Y8, Y3
	ADDQ        $32, SI

n4tailmask:
	TESTQ $3, R10
	JEQ   n4sum
	VMASKMOVPD  (SI), Y15, Y8
	VFMADD231PD Y8, Y14, Y4
	VMASKMOVPD  (SI)(R8*1), Y15, Y9
	VFMADD231PD Y9, Y14, Y5
	VMASKMOVPD  (SI)(R8*2), Y15, Y10
	VFMADD231PD Y10, Y14, Y6
	VMASKMOVPD  (SI)(R9*1), Y15, Y11
	VFMADD231PD Y11, Y14, Y7

n4sum:
	VADDPD Y4, Y0, Y0
	VADDPD Y5, Y1, Y1
	VADDPD Y6, Y2, Y2
	VADDPD Y7, Y3, Y3
	// Y0 = [r0 lanes 0+1, r1 lanes 0+1, r0 lanes 2+3, r1 lanes 2+3], same
	// for rows 2 and 3 in Y2; the two 128-bit halves then add up to
	// [r0, r1, r2, r3].
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y4
	VPERM2F128 $0x31, Y2, Y0, Y5
	VADDPD     Y5, Y4, Y4
	VMULPD     Y13, Y4, Y4

	VMOVSD       (DX), X5
	VADDSD       X4, X5, X5
	VMOVSD       X5, (DX)
	VPERMILPD    $1, X4, X6
	VMOVSD       (DX)(R11*1), X5
	VADDSD       X6, X5, X5
	VMOVSD       X5, (DX)(R11*1)
	VEXTRACTF128 $1, Y4, X4
	VMOVSD       (DX)(R11*2), X5
	VADDSD       X4, X5, X5
	VMOVSD       X5, (DX)(R11*2)
	VPERMILPD    $1, X4, X6
	LEAQ         (R11)(R11*2), AX
	VMOVSD       (DX)(AX*1), X5
	VADDSD       X6, X5, X5
	VMOVSD       X5, (DX)(AX*1)

	LEAQ (R12)(R8*4), R12
	LEAQ (DX)(R11*4), DX
	DECQ CX
	JNE  rows4

rows1:
	MOVQ  m+0(FP), CX
	TESTQ CX, CX
	JEQ   ndone

row1:
	MOVQ   R12, SI
	MOVQ   R13, DI
	VXORPD Y0, Y0, Y0
	VXORPD Y4, Y4, Y4
	MOVQ   R10, BX
	SHRQ   $3, BX
	JEQ    n1tail4

n1loop8:
	VMOVUPD     (DI), Y8
	VMOVUPD     32(DI), Y9
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD 32(SI), Y9, Y4
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        BX
	JNE         n1loop8

n1tail4:
	TESTQ $4, R10
	JEQ   n1tailmask
	VMOVUPD     (DI), Y8
	VFMADD231PD (SI), Y8, Y0
	ADDQ        $32, SI

n1tailmask:
	TESTQ $3, R10
	JEQ   n1sum
	VMASKMOVPD  (SI), Y15, Y8
	VFMADD231PD Y8, Y14, Y4

n1sum:
	// The lanes are added in the same order as in rows4, (0+1)+(2+3), so
	// that a row gives the same result in a block of four or alone.
	VADDPD       Y4, Y0, Y0
	VHADDPD      Y0, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDSD       X1, X0, X0
	VMULSD       X13, X0, X0
	VMOVSD       (DX), X5
	VADDSD       X0, X5, X5
	VMOVSD       X5, (DX)

	ADDQ R8, R12
	ADDQ R11, DX
	DECQ CX
	JNE  row1

ndone:
	VZEROUPPER
	RET

// func gemvTAVX2(m, n int, alpha float64, a *float64, lda int, x *float64, incX int, y *float64)
//
// y[j] += Σ_{i<m} (alpha·x[i·incX])·a[i·lda+j] for j < n, n ≥ 1; incX may be
// negative. Eight rows at a time: their scaled x entries sit broadcast in
// Y8–Y15 and each four entries of y are loaded and stored once per eight
// rows, rows 0–3 summed into Y0/Y1 with y and rows 4–7 into Y2/Y3, so that
// the chains of dependent additions stay short.
TEXT ·gemvTAVX2(SB), NOSPLIT, $0-64
	MOVQ m+0(FP), CX
	MOVQ n+8(FP), R10
	MOVQ a+24(FP), R12
	MOVQ lda+32(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	MOVQ x+40(FP), AX
	MOVQ incX+48(FP), R11
	SHLQ $3, R11
	MOVQ y+56(FP), R13
	VMOVSD alpha+16(FP), X7

	// Y4 = mask of the n mod 4 last columns.
	MOVQ R10, BX
	ANDQ $3, BX
	JEQ  tnomask
	MOVQ $3, DX
	SUBQ BX, DX
	LEAQ gemvMask<>(SB), BX
	VMOVUPD (BX)(DX*8), Y4

tnomask:
	MOVQ CX, BX
	SHRQ $3, CX
	ANDQ $7, BX
	MOVQ BX, m+0(FP) // rows left after the blocks of eight
	TESTQ CX, CX
	JEQ   trows1

#define SCALEDX(reg, ymm) \
	VMULSD       (AX), X7, reg  \
	VBROADCASTSD reg, ymm       \
	ADDQ         R11, AX

trows8:
	SCALEDX(X8, Y8)
	SCALEDX(X9, Y9)
	SCALEDX(X10, Y10)
	SCALEDX(X11, Y11)
	SCALEDX(X12, Y12)
	SCALEDX(X13, Y13)
	SCALEDX(X14, Y14)
	SCALEDX(X15, Y15)
	MOVQ R12, SI
	LEAQ (R12)(R8*4), DI
	MOVQ R13, DX
	MOVQ R10, BX
	SHRQ $3, BX
	JEQ  t8tail4

t8loop8:
	VMOVUPD     (DX), Y0
	VMOVUPD     32(DX), Y1
	VMULPD      (DI), Y12, Y2
	VMULPD      32(DI), Y12, Y3
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD 32(SI), Y8, Y1
	VFMADD231PD (DI)(R8*1), Y13, Y2
	VFMADD231PD 32(DI)(R8*1), Y13, Y3
	VFMADD231PD (SI)(R8*1), Y9, Y0
	VFMADD231PD 32(SI)(R8*1), Y9, Y1
	VFMADD231PD (DI)(R8*2), Y14, Y2
	VFMADD231PD 32(DI)(R8*2), Y14, Y3
	VFMADD231PD (SI)(R8*2), Y10, Y0
	VFMADD231PD 32(SI)(R8*2), Y10, Y1
	VFMADD231PD (DI)(R9*1), Y15, Y2
	VFMADD231PD 32(DI)(R9*1), Y15, Y3
	VFMADD231PD (SI)(R9*1), Y11, Y0
	VFMADD231PD 32(SI)(R9*1), Y11, Y1
	VADDPD      Y2, Y0, Y0
	VADDPD      Y3, Y1, Y1
	VMOVUPD     Y0, (DX)
	VMOVUPD     Y1, 32(DX)
	ADDQ        $64, SI
	ADDQ        $64, DI
	ADDQ        $64, DX
	DECQ        BX
	JNE         t8loop8

t8tail4:
	TESTQ $4, R10
	JEQ   t8tailmask
	VMOVUPD     (DX), Y0
	VMULPD      (DI), Y12, Y2
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD (DI)(R8*1), Y13, Y2
	VFMADD231PD (SI)(R8*1), Y9, Y0
	VFMADD231PD (DI)(R8*2), Y14, Y2
	VFMADD231PD (SI)(R8*2), Y10, Y0
	VFMADD231PD (DI)(R9*1), Y15, Y2
	VFMADD231PD (SI)(R9*1), Y11, Y0
	VADDPD      Y2, Y0, Y0
	VMOVUPD     Y0, (DX)
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, DX

t8tailmask:
	TESTQ $3, R10
	JEQ   t8next
	VMASKMOVPD  (DX), Y4, Y0
	VMASKMOVPD  (DI), Y4, Y5
	VMULPD      Y5, Y12, Y2
	VMASKMOVPD  (SI), Y4, Y6
	VFMADD231PD Y6, Y8, Y0
	VMASKMOVPD  (DI)(R8*1), Y4, Y5
	VFMADD231PD Y5, Y13, Y2
	VMASKMOVPD  (SI)(R8*1), Y4, Y6
	VFMADD231PD Y6, Y9, Y0
	VMASKMOVPD  (DI)(R8*2), Y4, Y5
	VFMADD231PD Y5, Y14, Y2
	VMASKMOVPD  (SI)(R8*2), Y4, Y6
	VFMADD231PD Y6, Y10, Y0
	VMASKMOVPD  (DI)(R9*1), Y4, Y5
	VFMADD231PD Y5, Y15, Y2
	VMASKMOVPD  (SI)(R9*1), Y4, Y6
	VFMADD231PD Y6, Y11, Y0
	VADDPD      Y2, Y0, Y0
	VMASKMOVPD  Y0, Y4, (DX)

t8next:
	LEAQ (R12)(R8*8), R12
	DECQ CX
	JNE  trows8

trows1:
	MOVQ  m+0(FP), CX
	TESTQ CX, CX
	JEQ   tdone

trow1:
	SCALEDX(X8, Y8)
	MOVQ R12, SI
	MOVQ R13, DX
	MOVQ R10, BX
	SHRQ $3, BX
	JEQ  t1tail4

t1loop8:
	VMOVUPD     (DX), Y0
	VMOVUPD     32(DX), Y1
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD 32(SI), Y8, Y1
	VMOVUPD     Y0, (DX)
	VMOVUPD     Y1, 32(DX)
	ADDQ        $64, SI
	ADDQ        $64, DX
	DECQ        BX
	JNE         t1loop8

t1tail4:
	TESTQ $4, R10
	JEQ   t1tailmask
	VMOVUPD     (DX), Y0
	VFMADD231PD (SI), Y8, Y0
	VMOVUPD     Y0, (DX)
	ADDQ        $32, SI
	ADDQ        $32, DX

t1tailmask:
	TESTQ $3, R10
	JEQ   t1next
	VMASKMOVPD  (DX), Y4, Y0
	VMASKMOVPD  (SI), Y4, Y6
	VFMADD231PD Y6, Y8, Y0
	VMASKMOVPD  Y0, Y4, (DX)

t1next:
	ADDQ R8, R12
	DECQ CX
	JNE  trow1

tdone:
	VZEROUPPER
	RET
