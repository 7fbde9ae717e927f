/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by the datapath test programs. */
#ifndef OVNMIG_BPFTEST_H
#define OVNMIG_BPFTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"

#endif /* OVNMIG_BPFTEST_H */
