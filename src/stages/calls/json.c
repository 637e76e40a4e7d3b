/* The portal's JSON, read topic by topic in flat memory: a byte-level
 * framer in front of yajl's event parser, and the values of one topic at
 * a time.
 *
 * The framer sees every byte first.  Between top-level values it skips
 * white space, byte-order marks (files joined with cat) and reports any
 * other bytes; inside a value it cuts a string at calls.max_text_bytes and
 * gives yajl `null` for a container nested deeper than calls.max_depth, so
 * yajl never holds more than one text or nests deeper than the policy
 * allows, whatever the input.  A topic is a top-level object, an element of
 * a top-level array, or an element of a response's `results` array; its
 * values are kept (struct jdom) until it ends, then mapped and written.
 * After a syntax error the topic it broke is passed on as rejected and the
 * framer looks for where the next topic starts (see resync_find). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "calls_int.h"
#include "euprio/core/diag.h"

#define HIST 512          /* bytes kept from before the current piece */
#define SIG_MAX 200       /* the longest key a resync looks for */
#define SIG_WS 64         /* white space allowed inside what it looks for */

/* ------------------------------------------------------------ values */

void jdom_init(struct jdom *d, const eu_calls *C)
{
	memset(d, 0, sizeof *d);
	d->cur = -1;
	d->max_values = C->max_values;
	d->max_bytes = C->max_topic;
	d->max_depth = C->max_depth;
}

void jdom_reset(struct jdom *d)
{
	d->nn = 0;
	eu_buf_clear(&d->arena);
	d->cur = -1;
	d->depth = d->skip = 0;
	d->over = 0;
	d->has_key = 0;
	/* One huge topic does not pin its memory for the rest of the run. */
	eu_buf_shrink(&d->arena, 1 << 20);
	if (d->cap > 65536) {
		free(d->n);
		d->n = NULL;
		d->cap = 0;
	}
}

void jdom_free(struct jdom *d)
{
	free(d->n);
	eu_buf_free(&d->arena);
	memset(d, 0, sizeof *d);
}

static uint32_t arena_add(struct jdom *d, const void *s, size_t n)
{
	uint32_t off = (uint32_t)d->arena.len;
	eu_buf_add(&d->arena, s, n);
	return off;
}

/* A member key for the next value. */
static void dom_key(struct jdom *d, const char *k, size_t n)
{
	if (d->skip || d->over)
		return;
	if (d->arena.len + n > d->max_bytes) {
		d->over = 1;
		return;
	}
	d->key = arena_add(d, k, n);
	d->klen = (uint32_t)n;
	d->has_key = 1;
}

static int32_t dom_add(struct jdom *d, uint8_t type, const char *s, size_t n)
{
	if (d->skip || d->over)
		return -1;
	if (d->nn >= d->max_values || d->arena.len + n > d->max_bytes) {
		d->over = 1;
		return -1;
	}
	if (d->nn == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->n = eu_xrealloc(d->n, d->cap * sizeof *d->n);
	}
	int32_t i = (int32_t)d->nn++;
	struct jnode *x = &d->n[i];
	memset(x, 0, sizeof *x);
	x->type = type;
	x->parent = d->cur;
	x->first = x->last = x->next = -1;
	if (d->has_key && d->cur >= 0 && d->n[d->cur].type == J_OBJ) {
		x->key = d->key;
		x->klen = d->klen;
	}
	d->has_key = 0;
	if (n || type == J_STR)
		x->s = arena_add(d, s, n);
	x->slen = (uint32_t)n;
	if (d->cur >= 0) {
		struct jnode *p = &d->n[d->cur];
		if (p->last >= 0)
			d->n[p->last].next = i;
		else
			p->first = i;
		p->last = i;
	}
	return i;
}

static void dom_open(struct jdom *d, uint8_t type)
{
	int32_t i = dom_add(d, type, NULL, 0);
	d->depth++;
	if (i < 0)
		d->skip++;
	else
		d->cur = i;
}

static void dom_close(struct jdom *d)
{
	if (d->depth)
		d->depth--;
	if (d->skip)
		d->skip--;
	else if (d->cur >= 0)
		d->cur = d->n[d->cur].parent;
}

int32_t j_get(const struct jdom *d, int32_t obj, const char *key)
{
	if (obj < 0 || d->n[obj].type != J_OBJ)
		return -1;
	size_t kl = strlen(key);
	int32_t found = -1;
	/* The last of repeated keys counts, as in most JSON readers. */
	for (int32_t c = d->n[obj].first; c >= 0; c = d->n[c].next)
		if (d->n[c].klen == kl && !memcmp(d->arena.p + d->n[c].key, key, kl))
			found = c;
	return found;
}

const char *j_str(const struct jdom *d, int32_t n, size_t *len)
{
	if (n < 0 || d->n[n].type == J_OBJ || d->n[n].type == J_ARR || d->n[n].type == J_NULL) {
		*len = 0;
		return "";
	}
	*len = d->n[n].slen;
	return d->arena.p + d->n[n].s;
}

int j_keyis(const struct jdom *d, int32_t n, const char *key)
{
	size_t kl = strlen(key);
	return n >= 0 && d->n[n].klen == kl && !memcmp(d->arena.p + d->n[n].key, key, kl);
}

/* yajl events straight into a jdom: the JSON inside the search API's
 * strings.  Deeper than the limit cancels the parse. */
static int p_null(void *c)
{
	dom_add(c, J_NULL, NULL, 0);
	return 1;
}
static int p_bool(void *c, int b)
{
	dom_add(c, J_BOOL, b ? "true" : "false", b ? 4 : 5);
	return 1;
}
static int p_num(void *c, const char *s, size_t n)
{
	dom_add(c, J_NUM, s, n);
	return 1;
}
static int p_str(void *c, const unsigned char *s, size_t n)
{
	dom_add(c, J_STR, (const char *)s, n);
	return 1;
}
static int p_key(void *c, const unsigned char *s, size_t n)
{
	dom_key(c, (const char *)s, n);
	return 1;
}
static int p_open_map(void *c)
{
	struct jdom *d = c;
	if (d->depth >= d->max_depth)
		return 0;
	dom_open(d, J_OBJ);
	return 1;
}
static int p_open_arr(void *c)
{
	struct jdom *d = c;
	if (d->depth >= d->max_depth)
		return 0;
	dom_open(d, J_ARR);
	return 1;
}
static int p_close(void *c)
{
	dom_close(c);
	return 1;
}

static const yajl_callbacks plain_cb = {
	p_null, p_bool, NULL, NULL, p_num, p_str, p_open_map, p_key, p_close, p_open_arr, p_close,
};

static void yajl_message(yajl_handle h, eu_buf *err)
{
	unsigned char *e = yajl_get_error(h, 0, NULL, 0);
	const char *s = (const char *)e;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '.'))
		n--;
	eu_buf_add(err, s, n);
	yajl_free_error(h, e);
}

int jdom_parse(struct jdom *d, const char *s, size_t len, eu_buf *err)
{
	jdom_reset(d);
	yajl_handle h = yajl_alloc(&plain_cb, NULL, d);
	yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	int rc = 0;
	if (st != yajl_status_ok) {
		if (st == yajl_status_client_canceled)
			eu_buf_printf(err, "nested deeper than calls.max_depth (%zu)", d->max_depth);
		else
			yajl_message(h, err);
		rc = -1;
	} else if (d->over) {
		eu_buf_adds(err, "more values than calls.max_values or calls.max_topic_bytes allow");
		rc = -1;
	}
	yajl_free(h);
	return rc;
}

/* ------------------------------------------------------------ reader */

struct jr {
	eu_calls *C;
	const char *name;
	eu_writer *w;
	int status;
	yajl_handle h;
	/* the framer */
	size_t depth, skip;
	int in_str, esc, uhex, cutting, between, bom, resumed;
	size_t slen;
	long line;
	unsigned long long junk_from;
	unsigned long junk, junk_nul, boms;
	/* the piece yajl is reading, for positions inside its events */
	const char *run;
	unsigned long long run_pos;
	size_t cur_off;
	long cur_line;
	int pending_cut;
	/* events */
	size_t sdepth, unit_depth, results_depth;
	int top_kind, pending_results, want_key, stop;
	eu_buf sig, unit_key;
	struct jdom dom;
	struct call_rec rec;
	unsigned long units, skipped;
	unsigned long long unit_pos;
	long unit_line;
	int unit_cut, unit_deep, in_unit_since_error;
	/* after an error */
	int searching;
	unsigned long long search_from;
	/* The bytes read lately, from keep_pos: back to the start of the
	 * topic being read (at most calls.max_text_bytes of it), so that a
	 * search after an error can look into the topic it broke. */
	eu_buf keep;
	unsigned long long keep_pos;
	unsigned long long scan_end;  /* where the framer stopped at an error */
	unsigned long long value_pos; /* where the top-level value began */
};

static const yajl_callbacks sax_cb;

static yajl_handle new_handle(struct jr *r)
{
	yajl_handle h = yajl_alloc(&sax_cb, NULL, r);
	yajl_config(h, yajl_allow_multiple_values, 1);
	return h;
}

/* The position of the token yajl just read, and its line. */
static void here(struct jr *r, unsigned long long *pos, long *line)
{
	size_t off = yajl_get_bytes_consumed(r->h);
	if (off)
		off--;
	for (; r->cur_off < off; r->cur_off++)
		if (r->run[r->cur_off] == '\n')
			r->cur_line++;
	*pos = r->run_pos + off;
	*line = r->cur_line;
}

static void unit_begin(struct jr *r)
{
	if (r->units >= r->C->max_topics) {
		eu_warn_at(r->name, r->cur_line, "more than calls.max_topics_per_file (%lu) topics: the rest of the file is not read",
			   r->C->max_topics);
		eu_status_raise(&r->status, EU_EXIT_INPUT);
		r->stop = 1;
		return;
	}
	r->units++;
	call_rec_clear(&r->rec);
	jdom_reset(&r->dom);
	r->unit_depth = r->sdepth;
	r->unit_cut = r->unit_deep = 0;
	r->want_key = 1;
	eu_buf_clear(&r->unit_key);
	here(r, &r->unit_pos, &r->unit_line);
}

/* A topic's values are complete (or broken off with why): map, write. */
static void unit_end(struct jr *r, const char *error)
{
	struct call_rec *rec = &r->rec;

	r->unit_depth = 0;
	rec->file = r->name;
	rec->line = r->unit_line;
	rec->object = r->units;
	if (call_map_json(r->C, &r->dom, rec) < 0 && !error) {
		eu_warn_at(r->name, r->unit_line,
			   "object %lu is a changelog of the portal snapshot (date, summary, events), not topics: nothing read from it",
			   r->units);
		eu_status_raise(&r->status, EU_EXIT_INPUT);
		r->units--;
		return;
	}
	eu_buf_clear(&rec->v[EU_C_ORIGIN]);
	eu_buf_printf(&rec->v[EU_C_ORIGIN], "%s:object %lu", r->name, r->units);
	if (error)
		call_reject(rec, "%s", error);
	if (r->unit_cut)
		call_reject(rec, "a text longer than calls.max_text_bytes (%zu bytes)", r->C->max_text);
	if (r->unit_deep)
		call_reject(rec, "values nested deeper than calls.max_depth (%zu)", r->C->max_depth);
	if (r->dom.over)
		call_reject(rec, "more than calls.max_values (%zu) values or calls.max_topic_bytes (%zu) bytes",
			    r->C->max_values, r->C->max_topic);
	call_finish(r->C, rec);
	/* Only a topic that read well teaches where topics start. */
	if (!rec->reason.len && r->unit_key.len) {
		eu_buf_clear(&r->sig);
		eu_buf_add(&r->sig, r->unit_key.p, r->unit_key.len);
	}
	eu_status_raise(&r->status, call_emit(r->C, rec, r->w));
}

static int in_list(const struct jr *r, size_t at)
{
	return (at == 1 && r->top_kind == '[') || (r->results_depth && at == r->results_depth);
}

/* A value in a list of topics that is not an object. */
static void not_topic(struct jr *r, const char *what)
{
	unsigned long long pos;
	long line;
	here(r, &pos, &line);
	r->skipped++;
	eu_warn_at(r->name, line, "%s at byte %llu where a topic object belongs: skipped", what, pos);
	eu_status_raise(&r->status, EU_EXIT_INPUT);
}

static int s_start_map(void *c)
{
	struct jr *r = c;
	size_t at = r->sdepth++;
	if (at == 1 && r->top_kind == '{')
		r->pending_results = 0;
	if (!r->unit_depth) {
		if (at == 0)
			r->top_kind = '{';
		if (at == 0 || in_list(r, at))
			unit_begin(r);
		if (r->stop)
			return 0;
	}
	if (r->unit_depth)
		dom_open(&r->dom, J_OBJ);
	return 1;
}

static int s_start_array(void *c)
{
	struct jr *r = c;
	size_t at = r->sdepth++;
	if (at == 0)
		r->top_kind = '[';
	if (at == 1 && r->top_kind == '{' && r->pending_results && r->unit_depth == 1) {
		/* A search API response: its results are the topics. */
		r->units--;
		r->unit_depth = 0;
		r->results_depth = r->sdepth;
		r->pending_results = 0;
		return 1;
	}
	if (at == 1 && r->top_kind == '{')
		r->pending_results = 0;
	if (r->unit_depth)
		dom_open(&r->dom, J_ARR);
	else if (in_list(r, at))
		not_topic(r, "an array");
	return 1;
}

static int s_end(void *c)
{
	struct jr *r = c;
	if (r->unit_depth) {
		dom_close(&r->dom);
		if (r->sdepth == r->unit_depth)
			unit_end(r, NULL);
	}
	if (r->results_depth && r->sdepth == r->results_depth)
		r->results_depth = 0;
	if (r->sdepth)
		r->sdepth--;
	if (r->sdepth == 0)
		r->top_kind = 0;
	return 1;
}

static void scalar(struct jr *r, uint8_t type, const char *s, size_t n, const char *what)
{
	if (r->sdepth == 1 && r->top_kind == '{')
		r->pending_results = 0;
	if (r->unit_depth) {
		int32_t i = dom_add(&r->dom, type, s, n);
		if (type == J_STR && r->pending_cut) {
			if (i >= 0)
				r->dom.n[i].cut = 1;
			r->unit_cut = 1;
		}
	} else if (in_list(r, r->sdepth)) {
		not_topic(r, what);
	}
	if (type == J_STR)
		r->pending_cut = 0;
}

static int s_null(void *c)
{
	scalar(c, J_NULL, NULL, 0, "null");
	return 1;
}
static int s_bool(void *c, int b)
{
	scalar(c, J_BOOL, b ? "true" : "false", b ? 4 : 5, "a boolean");
	return 1;
}
static int s_num(void *c, const char *s, size_t n)
{
	scalar(c, J_NUM, s, n, "a number");
	return 1;
}
static int s_str(void *c, const unsigned char *s, size_t n)
{
	scalar(c, J_STR, (const char *)s, n, "a string");
	return 1;
}

static int s_key(void *c, const unsigned char *k, size_t n)
{
	struct jr *r = c;
	if (r->sdepth == 1 && r->top_kind == '{')
		r->pending_results = n == 7 && !memcmp(k, "results", 7);
	if (r->unit_depth) {
		if (r->want_key && r->sdepth == r->unit_depth) {
			if (n <= SIG_MAX && !r->pending_cut)
				eu_buf_add(&r->unit_key, k, n);
			r->want_key = 0;
		}
		dom_key(&r->dom, (const char *)k, n);
		if (r->pending_cut)
			r->unit_cut = 1;
	}
	r->pending_cut = 0;
	return 1;
}

static const yajl_callbacks sax_cb = {
	s_null, s_bool, NULL, NULL, s_num, s_str, s_start_map, s_key, s_end, s_start_array, s_end,
};

/* ------------------------------------------------------------ errors */

static void framer_reset(struct jr *r)
{
	r->depth = r->skip = 0;
	r->in_str = r->esc = r->uhex = r->cutting = r->bom = 0;
	r->between = 1;
	r->sdepth = r->unit_depth = r->results_depth = 0;
	r->top_kind = r->pending_results = r->pending_cut = 0;
}

/* yajl stopped at pos: the topic it was in is rejected, and the reader
 * looks for the next one. */
static void json_error(struct jr *r, unsigned long long pos, long line, const char *msg, int at_end)
{
	char why[300];

	/* Inside a topic the error is named by the topic (its start, in the
	 * message's line and in origin): where yajl notices an error inside a
	 * token that spans reads depends on where the reads end. */
	if (at_end)
		snprintf(why, sizeof why, "the input ends inside this topic (truncated at byte %llu)", pos);
	else if (r->unit_depth)
		snprintf(why, sizeof why, "JSON error in this topic (from byte %llu): %s", r->unit_pos, msg);
	else
		snprintf(why, sizeof why, "JSON error in the value from byte %llu: %s", r->value_pos, msg);
	int was_open = r->unit_depth != 0;
	if (was_open) {
		unit_end(r, why);
	} else {
		eu_warn_at(r->name, 0, "%s%s", at_end ? "the input ends inside a JSON value" : why,
			   at_end ? " (truncated)" : "");
		eu_status_raise(&r->status, EU_EXIT_INPUT);
	}
	yajl_free(r->h);
	r->h = new_handle(r);
	framer_reset(r);
	if (!at_end) {
		r->searching = 1;
		/* Into the broken topic (a topic cut off can be followed by one
		 * whole), but never back into one already read. */
		r->search_from = r->value_pos + 1;
		if (r->units && (was_open || r->search_from <= r->unit_pos))
			r->search_from = r->unit_pos + 1;
		/* And never further back than the reader keeps whatever its
		 * reads were (piece()): the last HIST bytes before the error, in
		 * an open topic HIST + calls.max_text_bytes.  Further back, a
		 * topic start would be found in one read of the whole input and
		 * missed in reads of a few hundred bytes (fuzz_calls found one
		 * 1,060 bytes back, swallowed by a broken string). */
		unsigned long long back = HIST + (was_open ? r->C->max_text : 0);
		if (pos > back && r->search_from < pos - back)
			r->search_from = pos - back;
		if (r->search_from < r->keep_pos)
			r->search_from = r->keep_pos;
	}
}

/* Gives yajl n bytes read from pos.  0, -1 after an error, -2 to stop. */
static int feed(struct jr *r, const char *p, size_t n, unsigned long long pos, long line)
{
	if (!n)
		return 0;
	r->run = p;
	r->run_pos = pos;
	r->cur_off = 0;
	r->cur_line = line;
	yajl_status st = yajl_parse(r->h, (const unsigned char *)p, n);
	if (st == yajl_status_ok)
		return 0;
	if (r->stop)
		return -2;
	/* yajl counts the token it failed on as read: the error is its last
	 * byte. */
	size_t off = yajl_get_bytes_consumed(r->h);
	if (off)
		off--;
	for (; r->cur_off < off && r->cur_off < n; r->cur_off++)
		if (p[r->cur_off] == '\n')
			r->cur_line++;
	eu_buf msg = EU_BUF_INIT;
	yajl_message(r->h, &msg);
	json_error(r, pos + off, r->cur_line, msg.p ? msg.p : "", 0);
	eu_buf_free(&msg);
	return -1;
}

static void junk_report(struct jr *r)
{
	if (!r->junk)
		return;
	eu_warn_at(r->name, 0, "%lu bytes from byte %llu are not JSON%s: skipped", r->junk, r->junk_from,
		   r->junk_nul ? " (NUL bytes among them)" : "");
	eu_status_raise(&r->status, EU_EXIT_INPUT);
	r->junk = r->junk_nul = 0;
}

/* ------------------------------------------------------------ framer */

/* Scans seg (at pos in the file), feeding yajl.  0 when it is all read, 1
 * when an error left the reader searching, 2 to stop. */
static int process(struct jr *r, const char *seg, size_t len, unsigned long long pos)
{
	const eu_calls *C = r->C;
	size_t run = (size_t)-1;
	long run_line = r->line;
	int rc;

#define FLUSH(end)                                                                  \
	do {                                                                        \
		if (run != (size_t)-1) {                                            \
			rc = feed(r, seg + run, (end) - run, pos + run, run_line);  \
			run = (size_t)-1;                                           \
			if (rc < 0) {                                               \
				r->scan_end = pos + i;                              \
				return rc == -2 ? 2 : 1;                            \
			}                                                           \
		}                                                                   \
	} while (0)

	if (!r->between && !r->cutting && !r->skip)
		run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)seg[i];
		if (r->between) {
			static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
			if (c == bom[r->bom]) {
				if (++r->bom == 3) {
					r->bom = 0;
					r->boms++;
				}
				continue;
			}
			if (r->bom) {          /* part of a BOM, then something else */
				if (!r->junk)
					r->junk_from = pos + i - (size_t)r->bom;
				r->junk += (unsigned long)r->bom;
				r->bom = 0;
			}
			if (c == '{' || c == '[') {
				junk_report(r);
				r->value_pos = pos + i;
				r->between = 0;
				r->depth = 1;
				run = i;
				run_line = r->line;
				continue;
			}
			if (c == '\n')
				r->line++;
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (r->resumed && (c == ',' || c == ']' || c == '}'))
				continue;   /* what is left of a response read on into */
			if (!r->junk)
				r->junk_from = pos + i;
			r->junk++;
			r->junk_nul += c == 0;
			continue;
		}
		if (c == '\n')
			r->line++;
		if (r->skip) {                 /* inside a container given as null */
			if (r->in_str) {
				if (r->esc)
					r->esc = 0;
				else if (c == '\\')
					r->esc = 1;
				else if (c == '"')
					r->in_str = 0;
			} else if (c == '"') {
				r->in_str = 1;
			} else if (c == '{' || c == '[') {
				r->skip++;
			} else if ((c == '}' || c == ']') && --r->skip == 0) {
				run = i + 1;
				run_line = r->line;
			}
			continue;
		}
		if (r->in_str) {
			if (r->cutting) {
				if (r->esc) {
					r->esc = 0;
				} else if (c == '\\') {
					r->esc = 1;
				} else if (c == '"') {
					r->in_str = r->cutting = 0;
					run = i;     /* the closing quote goes to yajl */
					run_line = r->line;
				}
				continue;
			}
			if (r->uhex) {
				r->uhex--;
			} else if (r->esc) {
				r->esc = 0;
				if (c == 'u')
					r->uhex = 4;
			} else if (c == '\\') {
				r->esc = 1;
			} else if (c == '"') {
				r->in_str = 0;
				continue;
			} else if (r->slen >= C->max_text && (c & 0xC0) != 0x80) {
				/* Cut on a character boundary, outside an escape. */
				FLUSH(i);
				r->pending_cut = 1;
				r->cutting = 1;
				continue;
			}
			r->slen++;
			continue;
		}
		switch (c) {
		case '"':
			r->in_str = 1;
			r->slen = 0;
			break;
		case '{':
		case '[':
			if (r->depth >= C->max_depth) {
				FLUSH(i);
				rc = feed(r, "null", 4, pos + i, r->line);
				if (rc < 0) {
					r->scan_end = pos + i;
					return rc == -2 ? 2 : 1;
				}
				if (r->unit_depth)
					r->unit_deep = 1;
				else
					not_topic(r, "a value nested deeper than calls.max_depth");
				r->skip = 1;
				break;
			}
			r->depth++;
			break;
		case '}':
		case ']':
			if (--r->depth == 0) {
				FLUSH(i + 1);
				r->between = 1;
			}
			break;
		}
	}
	size_t i = len;
	if (!r->cutting && !r->skip && !r->between)
		FLUSH(len);
#undef FLUSH
	return 0;
}

/* Where the next topic starts, in buf (which begins at pos): a '{' and
 * the first key of the last topic that read well, or, before any did, a
 * '{' right after a '}' (concatenated objects).  Inside a JSON string a
 * '"' is escaped, so `{"reference":` cannot be text.  Returns the offset
 * of the '{', or -1. */
static long resync_find(const struct jr *r, const char *buf, size_t len)
{
	for (size_t t = 0; t < len; t++) {
		size_t j = t + 1, ws = 0;
		if (r->sig.len && buf[t] == '{') {
			while (j < len && ws < SIG_WS && strchr(" \t\r\n", buf[j]) && buf[j])
				j++, ws++;
			if (j >= len || buf[j] != '"' || len - j - 1 < r->sig.len + 1 ||
			    memcmp(buf + j + 1, r->sig.p, r->sig.len) || buf[j + 1 + r->sig.len] != '"')
				continue;
			j += r->sig.len + 2;
			ws = 0;
			while (j < len && ws < SIG_WS && strchr(" \t\r\n", buf[j]) && buf[j])
				j++, ws++;
			if (j < len && buf[j] == ':')
				return (long)t;
		} else if (!r->sig.len && buf[t] == '}') {
			while (j < len && ws < SIG_WS && (strchr(" \t\r\n", buf[j]) || (unsigned char)buf[j] >= 0xBB))
				j++, ws++;
			if (j < len && buf[j] == '{')
				return (long)j;
		}
	}
	return -1;
}

/* One piece of the input, at pos. 0, or 2 to stop. */
static int piece(struct jr *r, const char *p, size_t len, unsigned long long pos)
{
	size_t off = 0;
	int rc = 0;

	if (!r->keep.len)
		r->keep_pos = pos;
	eu_buf_add(&r->keep, p, len);
	while (off < len) {
		if (r->searching) {
			unsigned long long from = r->search_from < r->keep_pos ? r->keep_pos : r->search_from;
			size_t woff = (size_t)(from - r->keep_pos);
			long at = woff < r->keep.len ? resync_find(r, r->keep.p + woff, r->keep.len - woff) : -1;
			if (at < 0) {
				/* Lines are counted over what the search passed. */
				for (unsigned long long q = r->scan_end > r->keep_pos ? r->scan_end : r->keep_pos; q < pos + len; q++)
					r->line += r->keep.p[q - r->keep_pos] == '\n';
				if (r->scan_end < pos + len)
					r->scan_end = pos + len;
				/* The last bytes may hold the start of a match. */
				size_t part = SIG_MAX + 2 * SIG_WS + 8;
				unsigned long long end = pos + len;
				if (end > part && end - part > r->search_from)
					r->search_from = end - part;
				break;
			}
			unsigned long long start = from + (unsigned long long)at;
			/* Lines are counted again from the start found (or on to it). */
			for (unsigned long long q = start > r->keep_pos ? start : r->keep_pos; q < r->scan_end; q++)
				r->line -= r->keep.p[q - r->keep_pos] == '\n';
			for (unsigned long long q = r->scan_end > r->keep_pos ? r->scan_end : r->keep_pos; q < start; q++)
				r->line += r->keep.p[q - r->keep_pos] == '\n';
			r->searching = 0;
			r->resumed = 1;
			eu_warn_at(r->name, 0, "reading on from byte %llu, where a topic starts", start);
			if (start < pos) {
				/* The start lies in bytes read before this piece. */
				rc = process(r, r->keep.p + (start - r->keep_pos), (size_t)(pos - start), start);
				if (rc == 2)
					break;
				if (rc == 1)
					continue;
				off = 0;
			} else {
				off = (size_t)(start - pos);
			}
		}
		rc = process(r, p + off, len - off, pos + off);
		if (rc != 1)
			break;
		/* An error: search from where it says. */
		off = 0;
		rc = 0;
	}
	/* Keep from the start of the open topic (or of the search), at least
	 * the last HIST bytes, at most calls.max_text_bytes more. */
	unsigned long long end = pos + len, lo = end > HIST ? end - HIST : 0;
	if (r->unit_depth && r->unit_pos < lo)
		lo = r->unit_pos;
	if (r->searching && r->search_from < lo)
		lo = r->search_from;
	if (end > HIST + r->C->max_text && lo < end - HIST - r->C->max_text)
		lo = end - HIST - r->C->max_text;
	if (lo > r->keep_pos && (lo - r->keep_pos) * 2 > r->keep.len) {
		size_t drop = (size_t)(lo - r->keep_pos);
		memmove(r->keep.p, r->keep.p + drop, r->keep.len - drop);
		r->keep.len -= drop;
		r->keep.p[r->keep.len] = '\0';
		r->keep_pos = lo;
		eu_buf_shrink(&r->keep, 4 * (HIST + r->C->max_text));
	}
	return rc == 2 ? 2 : 0;
}

int call_json_read(eu_calls *C, struct call_src *src, const char *name, const char *first,
		   size_t nfirst, eu_writer *w)
{
	struct jr r;
	size_t chunk = C->chunk;
	unsigned long long pos = 0;
	int stop = 0;

	memset(&r, 0, sizeof r);
	r.C = C;
	r.name = name;
	r.w = w;
	r.line = 1;
	r.between = 1;
	r.h = new_handle(&r);
	jdom_init(&r.dom, C);
	call_rec_init(&r.rec);
	/* A BOM opens the file; it is not a topic's. */
	size_t skip = nfirst >= 3 && !memcmp(first, "\xEF\xBB\xBF", 3) ? 3 : 0;
	pos = skip;
	for (size_t o = skip; o < nfirst && !stop; o += chunk) {
		size_t n = nfirst - o < chunk ? nfirst - o : chunk;
		stop = piece(&r, first + o, n, pos) == 2;
		pos += n;
	}
	char *buf = eu_xmalloc(chunk);
	int read_failed = 0;
	while (!stop) {
		long n = call_src_read(src, buf, chunk);
		if (n <= 0) {
			read_failed = n < 0;
			break;
		}
		stop = piece(&r, buf, (size_t)n, pos) == 2;
		pos += (unsigned long long)n;
	}
	free(buf);
	if (read_failed)
		eu_status_raise(&r.status, EU_EXIT_INPUT);
	if (!stop) {
		if (r.searching) {
			eu_warn_at(name, 0, "no topic starts after the JSON error: bytes %llu to %llu skipped",
				   r.search_from, pos);
			eu_status_raise(&r.status, EU_EXIT_INPUT);
		} else if (!r.between) {
			/* The end came inside a value: yajl says so; the topic is kept
			 * as rejected. */
			json_error(&r, pos, r.line, "premature end", 1);
		} else {
			if (r.bom) {
				r.junk += (unsigned long)r.bom;
				if (r.junk == (unsigned long)r.bom)
					r.junk_from = pos - (unsigned long long)r.bom;
			}
			junk_report(&r);
			if (yajl_complete_parse(r.h) != yajl_status_ok) {
				eu_warn_at(name, r.line, "the JSON does not end where it should");
				eu_status_raise(&r.status, EU_EXIT_INPUT);
			}
		}
	}
	if (r.boms)
		eu_warn_at(name, 0, "%lu byte-order mark%s between objects skipped (files joined with cat?)",
			   r.boms, r.boms == 1 ? "" : "s");
	yajl_free(r.h);
	jdom_free(&r.dom);
	call_rec_free(&r.rec);
	eu_buf_free(&r.sig);
	eu_buf_free(&r.unit_key);
	eu_buf_free(&r.keep);
	return r.status;
}
