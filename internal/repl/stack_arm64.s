#include "textflag.h"

// func stackInUse() uintptr
//
// See stack_amd64.s.
TEXT ·stackInUse(SB),NOSPLIT,$0-8
	MOVD 8(g), R0
	MOVD RSP, R1
	SUB R1, R0, R0
	MOVD R0, ret+0(FP)
	RET
