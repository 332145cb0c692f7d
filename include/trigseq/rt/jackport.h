/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connecting one of our JACK ports by the rules every command shares (`play --connect`, the
 * editor's --connect, `sysex send --to`, `sysex recv --from`): a full port name, or else an
 * extended regular expression matched against every port of the right type and direction.
 * Threads: not the real-time thread.
 */
#ifndef TRIGSEQ_JACKPORT_H
#define TRIGSEQ_JACKPORT_H

#include <jack/jack.h>
#include <stddef.h>

#include "trigseq/core/status.h"

/*
 * Connect `ours` (output to inputs, input from outputs) to `dest`: the port of that full name, or
 * every port of the same type and the other direction whose name matches `dest` as an extended
 * regular expression (our own client's never). Already connected counts as connected. *count
 * gets the number connected. On failure err says why, naming our port as `label`: TS_ERR_RANGE
 * for a port of the wrong type or direction, or nothing matching; TS_ERR_IO when JACK refuses.
 */
ts_status ts_jack_port_connect(jack_client_t *client, jack_port_t *ours, const char *label,
			       const char *dest, int *count, char *err, size_t errlen);

#endif
