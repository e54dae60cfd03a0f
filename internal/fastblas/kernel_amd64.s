//go:build !purego

#include "textflag.h"

// func cpuHasAVX2FMA() bool
//
// AVX2 and FMA3 must be reported by CPUID and the OS must save the YMM state
// (OSXSAVE set and XCR0 bits 1 and 2 enabled), as the Intel SDM §14.3 asks.
TEXT ·cpuHasAVX2FMA(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JL   no
	MOVL $1, AX
	MOVL $0, CX
	CPUID
	// ECX bit 12 FMA, bit 27 OSXSAVE, bit 28 AVX.
	MOVL CX, R8
	ANDL $0x18001000, R8
	CMPL R8, $0x18001000
	JNE  no
	MOVL $0, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	MOVL $0, CX
	CPUID
	// EBX bit 5 AVX2.
	ANDL $0x20, BX
	JZ   no
	MOVB $1, ret+0(FP)
no:
	RET

// func kernel6x8AVX2(kc int, a, b, c *float64, ldc int, alpha float64)
//
// c[r*ldc+j] += alpha * Σ_p a[6p+r]·b[8p+j] for r < 6, j < 8, with the twelve
// row halves of the 6×8 tile held in Y4–Y15 over the whole k loop.
TEXT ·kernel6x8AVX2(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8

	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JE   tail

#define STEP(aoff, boff) \
	VMOVUPD      boff(DI), Y0        \
	VMOVUPD      boff+32(DI), Y1     \
	VBROADCASTSD aoff(SI), Y2        \
	VFMADD231PD  Y0, Y2, Y4          \
	VFMADD231PD  Y1, Y2, Y5          \
	VBROADCASTSD aoff+8(SI), Y3      \
	VFMADD231PD  Y0, Y3, Y6          \
	VFMADD231PD  Y1, Y3, Y7          \
	VBROADCASTSD aoff+16(SI), Y2     \
	VFMADD231PD  Y0, Y2, Y8          \
	VFMADD231PD  Y1, Y2, Y9          \
	VBROADCASTSD aoff+24(SI), Y3     \
	VFMADD231PD  Y0, Y3, Y10         \
	VFMADD231PD  Y1, Y3, Y11         \
	VBROADCASTSD aoff+32(SI), Y2     \
	VFMADD231PD  Y0, Y2, Y12         \
	VFMADD231PD  Y1, Y2, Y13         \
	VBROADCASTSD aoff+40(SI), Y3     \
	VFMADD231PD  Y0, Y3, Y14         \
	VFMADD231PD  Y1, Y3, Y15

loop4:
	PREFETCHT0 384(SI)
	PREFETCHT0 512(DI)
	STEP(0, 0)
	STEP(48, 64)
	PREFETCHT0 576(DI)
	STEP(96, 128)
	STEP(144, 192)
	ADDQ $192, SI
	ADDQ $256, DI
	DECQ BX
	JNE  loop4

tail:
	TESTQ CX, CX
	JE    store

loop1:
	STEP(0, 0)
	ADDQ $48, SI
	ADDQ $64, DI
	DECQ CX
	JNE  loop1

store:
	VBROADCASTSD alpha+40(FP), Y0

#define ROW(lo, hi) \
	VMOVUPD     (DX), Y1     \
	VFMADD231PD lo, Y0, Y1   \
	VMOVUPD     Y1, (DX)     \
	VMOVUPD     32(DX), Y2   \
	VFMADD231PD hi, Y0, Y2   \
	VMOVUPD     Y2, 32(DX)   \
	ADDQ        R8, DX

	ROW(Y4, Y5)
	ROW(Y6, Y7)
	ROW(Y8, Y9)
	ROW(Y10, Y11)
	ROW(Y12, Y13)
	ROW(Y14, Y15)

	VZEROUPPER
	RET
