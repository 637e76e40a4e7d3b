/* Inside euprio-calls: the run's policy and state, the record being built,
 * and the parts (JSON, CSV, mapping, text) that share them. */
#ifndef EUPRIO_CALLS_INT_H
#define EUPRIO_CALLS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "euprio/core/buf.h"
#include "euprio/core/writer.h"
#include "euprio/stages/calls.h"
#include "euprio/stream/schema.h"

/* The calls' own columns, after the canonical ones (docs/record-stream.md). */
enum call_extra {
	X_CALL_IDENTIFIER = EU_NCANON, X_CALL_TITLE, X_KIND, X_TYPE_OF_ACTION, X_SUBMISSION,
	X_START_DATE, X_DEADLINES, X_BUDGET_MIN, X_BUDGET_MAX, X_EXPECTED_GRANTS, X_BUDGET_TOPIC,
	X_BUDGET_PER_GRANT, X_PORTAL_URL, X_PROGRAMME_ID, X_PORTAL_REFERENCE, X_STATUS_BASIS,
	CALL_NCOLS
};

extern const char *const call_extra_names[CALL_NCOLS - EU_NCANON];

/* One row of config/call_programmes.csv. */
struct call_prog {
	char *prefix, *id, *name;
};

/* One row of config/call_status.csv: a word or code the portal uses, and
 * the status it means. */
struct call_status_word {
	char *value, *status;
};

struct eu_calls {
	/* settings.csv */
	size_t max_text;       /* calls.max_text_bytes: one string or field */
	size_t max_depth;      /* calls.max_depth: JSON nesting */
	size_t max_values;     /* calls.max_values: JSON values in one topic */
	size_t max_topic;      /* calls.max_topic_bytes: all the text of one topic */
	unsigned long max_topics; /* calls.max_topics_per_file */
	char *topic_url;       /* topic_url, {topic} in lower case */
	struct call_prog *prog;
	size_t nprog;
	struct call_status_word *stat;
	size_t nstat;
	long today;
	size_t chunk;
	eu_calls_counts counts;
	unsigned long shown;    /* messages about records in this file */
};

/* The record being built.  A reader writes raw values (dates and amounts
 * as the input has them, deadlines one per line, keywords one per line)
 * and call_finish() turns them into the stream's forms. */
struct call_rec {
	eu_buf v[CALL_NCOLS];
	eu_buf reason;          /* set: the record is rejected */
	const char *file;
	long line;              /* for messages */
	unsigned long object;   /* JSON: the topic's number in the file, else 0 */
	int status_from_dates;  /* no status in the input: derive it */
	int nwarn;              /* notes worth a message (not mojibake) */
};

void call_rec_init(struct call_rec *r);
void call_rec_clear(struct call_rec *r);
void call_rec_free(struct call_rec *r);
/* Adds "; "-separated notes to warnings; the record goes on. */
void call_warn(struct call_rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Rejects the record (the first reason counts; later ones are added). */
void call_reject(struct call_rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The status (Forthcoming, Open, Closed) call_status.csv gives a word or
 * code of the portal, or NULL. */
const char *call_status_of(const eu_calls *C, const char *word);
/* Normalises the raw values (text, dates, status, amounts, links). */
void call_finish(eu_calls *C, struct call_rec *r);
/* Writes the record (rejected ones with only their identifying values),
 * prints its message, counts it.  Returns the record's eu_exit status. */
int call_emit(eu_calls *C, struct call_rec *r, eu_writer *w);

/* A byte source: the file's bytes, gunzipped when they are gzip. */
struct call_src;
/* Reads up to cap bytes; returns the count, 0 at the end, -1 after a
 * message (read error, corrupt or truncated gzip). */
long call_src_read(struct call_src *s, char *buf, size_t cap);

/* The formats.  Each returns an eu_exit status.  first/nfirst are the
 * bytes the format was sniffed from, already read from src. */
int call_json_read(eu_calls *C, struct call_src *src, const char *name, const char *first,
		   size_t nfirst, eu_writer *w);
int call_csv_read(eu_calls *C, int fd, const char *name, const char *first, size_t nfirst,
		  eu_writer *w);
int call_csv_read_mem(eu_calls *C, const char *buf, size_t len, const char *name, eu_writer *w);

/* --- JSON values of one topic, built from yajl's events (json.c) --- */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_OBJ, J_ARR };

struct jnode {
	uint8_t type;
	uint8_t cut;            /* a string cut at calls.max_text_bytes */
	uint32_t key, klen;     /* the member's key in the arena (objects) */
	uint32_t s, slen;       /* the text of a string, number or boolean */
	int32_t parent, first, last, next;
};

struct jdom {
	struct jnode *n;
	size_t nn, cap;
	eu_buf arena;
	int32_t cur;            /* open container, -1 before the root */
	size_t max_values, max_bytes, max_depth, depth;
	size_t skip;            /* containers opened after it was full */
	uint32_t key, klen;     /* the key for the next member */
	int has_key;
	int over;               /* too many values or bytes: no more are kept */
};

void jdom_init(struct jdom *d, const eu_calls *C);
void jdom_reset(struct jdom *d);
void jdom_free(struct jdom *d);
/* Parses a whole JSON text (the JSON inside the search API's strings).
 * Returns 0, or -1 with a message in err. */
int jdom_parse(struct jdom *d, const char *s, size_t len, eu_buf *err);

/* Lookups; -1 when absent. */
int32_t j_get(const struct jdom *d, int32_t obj, const char *key);
const char *j_str(const struct jdom *d, int32_t n, size_t *len);
int j_keyis(const struct jdom *d, int32_t n, const char *key);

/* Maps one topic's values into r (map.c).  Returns 0, or -1 when the
 * object is not a topic at all but a changelog (nothing is emitted). */
int call_map_json(eu_calls *C, const struct jdom *d, struct call_rec *r);

/* call_id from id, and the kind: a cascade call (its portal reference is
 * NNNNCOMPETITIVE_CALL...) gets the id TOPIC#NNNN (map.c). */
void call_set_ids(struct call_rec *r);

/* --- text (calltext.c) --- */
/* An amount or count: a plain number (eu_parse_number), >= 0 and below
 * 1e12, spaces around it allowed.  Returns 0 or -1. */
int call_number(const char *s, size_t len, double *out);

#endif
