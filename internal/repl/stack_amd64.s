#include "textflag.h"

// func stackInUse() uintptr
//
// g.stack.hi (the second word of the runtime's g, stable since Go 1.4)
// less the stack pointer: how much of its stack the goroutine uses. It is
// the same after the runtime moves the stack.
TEXT ·stackInUse(SB),NOSPLIT,$0-8
	MOVQ (TLS), AX
	MOVQ 8(AX), BX
	MOVQ SP, CX
	SUBQ CX, BX
	MOVQ BX, ret+0(FP)
	RET
