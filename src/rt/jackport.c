/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connecting our JACK ports by name or regular expression (jackport.h). */
#include "trigseq/rt/jackport.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Ours -> theirs in the direction the port flags say. */
static int connect_pair(jack_client_t *client, jack_port_t *ours, const char *theirs)
{
	const char *mine = jack_port_name(ours);
	int rc = (jack_port_flags(ours) & JackPortIsOutput) ? jack_connect(client, mine, theirs)
							     : jack_connect(client, theirs, mine);
	return rc == EEXIST ? 0 : rc;
}

ts_status ts_jack_port_connect(jack_client_t *client, jack_port_t *ours, const char *label,
			       const char *dest, int *count, char *err, size_t errlen)
{
	*count = 0;
	bool output = jack_port_flags(ours) & JackPortIsOutput;
	const char *type = jack_port_type(ours);
	bool midi = strcmp(type, JACK_DEFAULT_MIDI_TYPE) == 0;
	jack_port_t *exact = jack_port_by_name(client, dest);
	if (exact) {
		if (strcmp(jack_port_type(exact), type) != 0 ||
		    !(jack_port_flags(exact) & (output ? JackPortIsInput : JackPortIsOutput))) {
			snprintf(err, errlen, "cannot connect %s to '%s': it is not %s %s port", label,
				 dest, midi ? "a MIDI" : "an audio", output ? "input" : "output");
			return TS_ERR_RANGE;
		}
		if (connect_pair(client, ours, dest) != 0) {
			snprintf(err, errlen, "JACK refused to connect %s to '%s'", label, dest);
			return TS_ERR_IO;
		}
		*count = 1;
		return TS_OK;
	}
	/* jack_get_ports matches an extended regular expression; the type name is one too, so it
	 * is anchored. Our own ports never match. */
	char type_re[64];
	snprintf(type_re, sizeof(type_re), "^%s$", type);
	const char **names = jack_get_ports(client, dest, type_re,
					    output ? JackPortIsInput : JackPortIsOutput);
	const char *self = jack_get_client_name(client);
	size_t self_len = strlen(self);
	ts_status st = TS_OK;
	for (int i = 0; names && names[i] && st == TS_OK; i++) {
		if (strncmp(names[i], self, self_len) == 0 && names[i][self_len] == ':')
			continue;
		if (connect_pair(client, ours, names[i]) != 0) {
			snprintf(err, errlen, "JACK refused to connect %s to '%s'", label, names[i]);
			st = TS_ERR_IO;
		} else {
			++*count;
		}
	}
	jack_free(names);
	if (st == TS_OK && *count == 0) {
		snprintf(err, errlen, "no JACK %s %s port matches '%s' (to connect %s)",
			 midi ? "MIDI" : "audio", output ? "input" : "output", dest, label);
		st = TS_ERR_RANGE;
	}
	return st;
}
