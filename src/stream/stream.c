/* The record stream: several inputs read as one, with the union of their
 * headers, and the generic driver every record filter runs on. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/core/diag.h"
#include "euprio/stream/stream.h"

/* Headers hold tens of columns, so a linear search is cheaper than a hash
 * and runs once per input, not per record. */
long eu_stream_col(const eu_stream *s, const char *name)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i], name) == 0)
			return (long)i;
	return -1;
}

size_t eu_stream_add_col(eu_stream *s, const char *name)
{
	long c = eu_stream_col(s, name);

	if (c >= 0)
		return (size_t)c;
	s->cols = eu_xrealloc(s->cols, (s->ncols + 1) * sizeof *s->cols);
	s->cols[s->ncols] = eu_xstrdup(name);
	s->v = eu_xrealloc(s->v, (s->ncols + 1) * sizeof *s->v);
	s->len = eu_xrealloc(s->len, (s->ncols + 1) * sizeof *s->len);
	return s->ncols++;
}

static int header_has_duplicate(const eu_row *h, size_t *dup)
{
	for (size_t i = 1; i < h->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(h->f[i], h->f[j]) == 0) {
				*dup = i;
				return 1;
			}
	return 0;
}

static void open_one(eu_stream *s, const char *path, const eu_reader_opts *opts)
{
	eu_reader *r = eu_reader_open(path, opts);
	if (!r) {
		eu_warn_at(path, 0, "cannot open: %s", strerror(errno));
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		return;
	}
	const eu_row *h = eu_reader_header(r);
	size_t dup;
	if (!h) {
		if (errno)
			eu_warn_at(path, 0, "read error: %s", strerror(errno));
		else
			eu_warn_at(path, 0, "empty input: no header row");
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	if (h->bad) {
		/* Excel's "Unicode text" is UTF-16: say so, not "NUL byte". */
		const unsigned char *f0 = h->n && h->len[0] >= 2 ? (const unsigned char *)h->f[0] : NULL;
		if (f0 && ((f0[0] == 0xFF && f0[1] == 0xFE) || (f0[0] == 0xFE && f0[1] == 0xFF)))
			eu_warn_at(path, h->line, "UTF-16 text (byte-order mark %02X %02X): save it as UTF-8 "
				   "or Windows-1252 CSV", f0[0], f0[1]);
		else
			eu_warn_at(path, h->line, "unusable header row: %s", h->bad);
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	if (header_has_duplicate(h, &dup)) {
		eu_warn_at(path, h->line, "column '%s' appears twice in the header; file skipped",
			   h->f[dup]);
		eu_status_raise(&s->status, EU_EXIT_INPUT);
		eu_reader_close(r);
		return;
	}
	eu_input *in = &s->in[s->nin++];
	in->r = r;
	in->nmap = h->n;
	in->map = eu_xmalloc((h->n ? h->n : 1) * sizeof *in->map);
	for (size_t i = 0; i < h->n; i++)
		in->map[i] = eu_stream_add_col(s, h->f[i]);
}

int eu_stream_open(eu_stream *s, char *const *paths, size_t npaths,
		   const eu_reader_opts *opts)
{
	static char *const stdin_only[] = {"-"};

	memset(s, 0, sizeof *s);
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	s->in = eu_xcalloc(npaths, sizeof *s->in);
	for (size_t i = 0; i < npaths; i++)
		open_one(s, paths[i], opts);
	return 0;
}

int eu_stream_next(eu_stream *s, eu_rec *rec)
{
	eu_row row;

	while (s->cur < s->nin) {
		eu_input *in = &s->in[s->cur];
		int rc = eu_reader_next(in->r, &row);
		if (rc == 0) {
			s->cur++;
			continue;
		}
		if (rc < 0) {
			eu_warn_at(eu_reader_name(in->r), 0, "read error: %s", strerror(errno));
			eu_status_raise(&s->status, EU_EXIT_INPUT);
			s->cur++;
			continue;
		}
		for (size_t i = 0; i < s->ncols; i++) {
			s->v[i] = "";
			s->len[i] = 0;
		}
		size_t n = row.n < in->nmap ? row.n : in->nmap;
		for (size_t i = 0; i < n; i++) {
			s->v[in->map[i]] = row.f[i];
			s->len[in->map[i]] = row.len[i];
		}
		rec->n = s->ncols;
		rec->v = s->v;
		rec->len = s->len;
		rec->file = eu_reader_name(in->r);
		rec->line = row.line;
		rec->bad = row.bad;
		rec->first = row.n ? row.f[0] : "";
		rec->first_len = row.n ? row.len[0] : 0;
		s->span = row.span;
		s->span_len = row.span_len;
		return 1;
	}
	return 0;
}

void eu_stream_close(eu_stream *s)
{
	for (size_t i = 0; i < s->nin; i++) {
		eu_reader_close(s->in[i].r);
		free(s->in[i].map);
	}
	for (size_t i = 0; i < s->ncols; i++)
		free(s->cols[i]);
	free(s->cols);
	free(s->in);
	free(s->v);
	free(s->len);
	memset(s, 0, sizeof *s);
}

void eu_plan_init(eu_plan *p, const eu_stream *s, const char *const *owned,
		  size_t nowned, const unsigned char *owned_numeric)
{
	memset(p, 0, sizeof *p);
	p->names = eu_xcalloc(s->ncols + nowned + 1, sizeof *p->names);
	p->src = eu_xcalloc(s->ncols + nowned + 1, sizeof *p->src);
	p->nowned = nowned;
	p->numeric = owned_numeric;
	p->out_reject = p->out_origin = p->in_reject = p->in_origin = -1;
	for (size_t c = 0; c < s->ncols; c++) {
		int mine = 0;
		for (size_t k = 0; k < nowned; k++)
			if (strcmp(s->cols[c], owned[k]) == 0)
				mine = 1;
		if (mine)
			continue;
		if (strcmp(s->cols[c], EU_COL_REJECT) == 0) {
			p->in_reject = (long)c;
			p->out_reject = (long)p->nout;
		} else if (strcmp(s->cols[c], EU_COL_ORIGIN) == 0) {
			p->in_origin = (long)c;
			p->out_origin = (long)p->nout;
		}
		p->names[p->nout] = s->cols[c];
		p->src[p->nout++] = (long)c;
	}
	for (size_t k = 0; k < nowned; k++) {
		p->names[p->nout] = owned[k];
		p->src[p->nout++] = -1 - (long)k;
	}
}

void eu_plan_free(eu_plan *p)
{
	free(p->names);
	free(p->src);
	memset(p, 0, sizeof *p);
}

void eu_plan_write_header(const eu_plan *p, eu_writer *w)
{
	for (size_t i = 0; i < p->nout; i++)
		eu_write_str(w, p->names[i]);
	eu_write_end(w);
}

void eu_origin_format(eu_buf *b, const char *file, long line)
{
	eu_buf_printf(b, "%s:%ld", file, line);
}

/* Describes a row the reader could not trust, with a glimpse of its first
 * field so that staff can find it in the file. */
static void describe_bad(eu_buf *reason, const eu_rec *rec)
{
	eu_buf_adds(reason, rec->bad);
	if (rec->first_len) {
		size_t n = rec->first_len > 40 ? 40 : rec->first_len;
		/* Cut on a character boundary. */
		while (n < rec->first_len && n > 0 && ((unsigned char)rec->first[n] & 0xc0) == 0x80)
			n--;
		eu_buf_adds(reason, "; first field \"");
		for (size_t i = 0; i < n; i++) {
			char c = rec->first[i];
			eu_buf_addc(reason, (c == '\n' || c == '\r' || c == '\t' || c == '\0') ? ' ' : c);
		}
		eu_buf_adds(reason, n < rec->first_len ? "...\"" : "\"");
	}
}

/* What the writing thread keeps across records for the messages. */
struct emit_state {
	const char *last_file;
	unsigned long shown, hidden;
	long id_col;
	eu_buf origin;
};

/* Applies the filter to one record: its owned values in out, or the
 * reason it is rejected (blank: the row could not be read at all). */
static void judge(const eu_filter *f, void *ctx, const eu_plan *plan, const eu_rec *rec, eu_owned *out,
		  eu_buf *reason, int *rejected, int *blank)
{
	*rejected = *blank = 0;
	for (size_t k = 0; k < out->n; k++)
		eu_buf_clear(&out->val[k]);
	eu_buf_clear(reason);
	if (rec->len[plan->in_reject] > 0) {
		/* Rejected upstream: travels on untouched. */
	} else if (rec->bad) {
		describe_bad(reason, rec);
		*rejected = *blank = 1;
	} else if (f->process(ctx, rec, out, reason) != 0) {
		for (size_t k = 0; k < out->n; k++)
			eu_buf_clear(&out->val[k]);
		*rejected = 1;
		if (!reason->len)
			eu_buf_adds(reason, "rejected without a reason (bug)");
	}
}

/* The message and status of a rejected record, in input order. */
static void emit_note(struct emit_state *es, int *status, const eu_rec *rec, const eu_buf *reason, int blank)
{
	eu_status_raise(status, EU_EXIT_BADREC);
	if (rec->file != es->last_file) {
		es->last_file = rec->file;
		es->shown = 0;
	}
	if (eu_diag_max_per_file == 0 || es->shown < eu_diag_max_per_file) {
		es->shown++;
		if (es->id_col >= 0 && rec->len[es->id_col] && !blank)
			eu_warn_at(rec->file, rec->line, "record %s: %s", rec->v[es->id_col], reason->p);
		else
			eu_warn_at(rec->file, rec->line, "%s", reason->p);
	} else {
		es->hidden++;
	}
}

/* The output row of a record; origin is scratch.  Any thread may make it. */
static void emit_row(const eu_plan *plan, const eu_rec *rec, const eu_owned *out, const eu_buf *reason,
		     int rejected, int blank, eu_writer *w, eu_buf *origin)
{
	for (size_t i = 0; i < plan->nout; i++) {
		long src = plan->src[i];
		if (src < 0) {
			const eu_buf *v = &out->val[-1 - src];
			int num = plan->numeric && plan->numeric[-1 - src];
			eu_write_field(w, v->p ? v->p : "", v->len, num);
		} else if ((long)i == plan->out_reject && rejected) {
			eu_write_field(w, reason->p, reason->len, 0);
		} else if ((long)i == plan->out_origin && rejected && (blank || !rec->len[src])) {
			if (rec->len[src])
				eu_write_field(w, rec->v[src], rec->len[src], 0);
			else {
				eu_buf_clear(origin);
				eu_origin_format(origin, rec->file, rec->line);
				eu_write_field(w, origin->p, origin->len, 0);
			}
		} else if (blank) {
			eu_write_field(w, "", 0, 0);
		} else {
			eu_write_field(w, rec->v[src], rec->len[src], 0);
		}
	}
	eu_write_end(w);
}

/* Reports a rejected record and writes the output row. */
static void emit(struct emit_state *es, int *status, const eu_plan *plan, const eu_rec *rec,
		 const eu_owned *out, eu_buf *reason, int rejected, int blank, eu_writer *w)
{
	if (rejected)
		emit_note(es, status, rec, reason, blank);
	emit_row(plan, rec, out, reason, rejected, blank, w, &es->origin);
}

unsigned eu_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* Worker threads.  The reading thread copies records into batches; the
 * workers (and the reading thread itself while the ring is full) judge
 * whole batches, taking them in order but finishing in any;
 * the reading thread writes finished batches in input order, so the output
 * and every message are as from one thread.  The ring of batches is fixed,
 * and a batch's buffers are reused, so memory stays flat. */
#define BATCH_BYTES (256 * 1024)
#define BATCH_RECS 1024

struct brec {                    /* one record of a batch */
	size_t val;              /* its first value in voff/vlen */
	const char *file;        /* the input's name: lives as long as the stream */
	long line;
	size_t bad, first, first_len; /* offsets in data; bad (size_t)-1: none */
	int rejected, blank;
};

struct batch {
	size_t n;
	eu_buf data;             /* every value, NUL-terminated, and the bad-row texts */
	size_t *voff, *vlen, vcap;
	struct brec *r;
	eu_buf *out, *reason;    /* n * nowned, and n */
	eu_buf rows;             /* the output rows, made by the thread that judged */
	size_t rcap;
	enum { B_FREE, B_FILLED, B_TAKEN, B_DONE } state;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct batch *ring;
	size_t nring;
	unsigned long taken;     /* batches handed to workers so far */
	unsigned long filled;
	int stop;
	const eu_filter *f;
	const eu_plan *plan;
	size_t ncols;
};

/* What a thread that judges needs of its own. */
struct judging {
	void *ctx;
	eu_writer *rows;         /* a memory writer */
	eu_buf origin;
	const char **v;          /* ncols places */
};

struct worker {
	struct pool *P;
	struct judging J;
	pthread_t th;
};

static void batch_grow(struct batch *b, size_t nrec, size_t ncols, size_t nowned)
{
	if (nrec > b->rcap) {
		size_t cap = nrec * 2;
		b->r = eu_xrealloc(b->r, cap * sizeof *b->r);
		b->out = eu_xrealloc(b->out, cap * nowned * sizeof *b->out + 1);
		memset(b->out + b->rcap * nowned, 0, (cap - b->rcap) * nowned * sizeof *b->out);
		b->reason = eu_xrealloc(b->reason, cap * sizeof *b->reason);
		memset(b->reason + b->rcap, 0, (cap - b->rcap) * sizeof *b->reason);
		b->rcap = cap;
	}
	if (nrec * ncols > b->vcap) {
		b->vcap = nrec * ncols * 2;
		b->voff = eu_xrealloc(b->voff, b->vcap * sizeof *b->voff);
		b->vlen = eu_xrealloc(b->vlen, b->vcap * sizeof *b->vlen);
	}
}

/* Copies records from the stream into b until it is full; 0 at the end. */
static size_t batch_fill(struct batch *b, eu_stream *s, size_t nowned)
{
	eu_rec rec;

	b->n = 0;
	eu_buf_clear(&b->data);
	while (b->n < BATCH_RECS && b->data.len < BATCH_BYTES && eu_stream_next(s, &rec)) {
		batch_grow(b, b->n + 1, s->ncols, nowned);
		struct brec *r = &b->r[b->n];
		r->val = b->n * s->ncols;
		r->file = rec.file;
		r->line = rec.line;
		/* The record's values in one copy: the reader keeps them back
		 * to back.  A column the input lacks is "" and points at the
		 * span's last NUL. */
		size_t base = b->data.len;
		uintptr_t lo = (uintptr_t)s->span, hi = lo + s->span_len;
		if (s->span)
			eu_buf_add(&b->data, s->span, s->span_len);
		for (size_t c = 0; c < s->ncols; c++) {
			uintptr_t at = (uintptr_t)rec.v[c];
			b->vlen[r->val + c] = rec.len[c];
			if (s->span && at >= lo && at + rec.len[c] < hi) {
				b->voff[r->val + c] = base + (at - lo);
			} else if (s->span && !rec.len[c]) {
				b->voff[r->val + c] = b->data.len - 1;
			} else {
				b->voff[r->val + c] = b->data.len;
				eu_buf_add(&b->data, rec.v[c], rec.len[c]);
				eu_buf_addc(&b->data, '\0');
			}
		}
		r->bad = (size_t)-1;
		if (rec.bad) {
			r->bad = b->data.len;
			eu_buf_adds(&b->data, rec.bad);
			eu_buf_addc(&b->data, '\0');
		}
		r->first_len = rec.first_len;
		uintptr_t fat = (uintptr_t)rec.first;
		if (s->span && fat >= lo && fat + rec.first_len < hi) {
			r->first = base + (fat - lo);
		} else {
			r->first = b->data.len;
			eu_buf_add(&b->data, rec.first ? rec.first : "", rec.first_len);
			eu_buf_addc(&b->data, '\0');
		}
		b->n++;
	}
	return b->n;
}

/* The record k of b as the filter sees it; v has ncols places. */
static void batch_rec(const struct batch *b, size_t k, size_t ncols, const char **v, eu_rec *rec)
{
	const struct brec *r = &b->r[k];

	for (size_t c = 0; c < ncols; c++)
		v[c] = b->data.p + b->voff[r->val + c];
	rec->n = ncols;
	rec->v = v;
	rec->len = b->vlen + r->val;
	rec->file = r->file;
	rec->line = r->line;
	rec->bad = r->bad == (size_t)-1 ? NULL : b->data.p + r->bad;
	rec->first = b->data.p + r->first;
	rec->first_len = r->first_len;
}

/* Judges every record of b and makes its output rows, so that the
 * writing thread only gives the messages and writes the rows, in order. */
static void judge_batch(const struct pool *P, struct judging *J, struct batch *b)
{
	size_t nowned = P->f->nowned;

	eu_buf_clear(&b->rows);
	eu_writer_mem_bind(J->rows, &b->rows);
	for (size_t k = 0; k < b->n; k++) {
		eu_rec rec;
		eu_owned out = {nowned, b->out + k * nowned};
		struct brec *r = &b->r[k];
		batch_rec(b, k, P->ncols, J->v, &rec);
		judge(P->f, J->ctx, P->plan, &rec, &out, &b->reason[k], &r->rejected, &r->blank);
		emit_row(P->plan, &rec, &out, &b->reason[k], r->rejected, r->blank, J->rows, &J->origin);
	}
	eu_writer_mem_unbind(J->rows);
}

static void judging_init(struct judging *J, void *ctx, const eu_writer *w, size_t ncols)
{
	J->ctx = ctx;
	J->rows = eu_writer_mem(w);
	J->origin = (eu_buf)EU_BUF_INIT;
	J->v = eu_xcalloc(ncols + 1, sizeof *J->v);
}

static void judging_free(struct judging *J)
{
	eu_writer_close(J->rows);
	eu_buf_free(&J->origin);
	free(J->v);
}

static void *work(void *arg)
{
	struct worker *W = arg;
	struct pool *P = W->P;

	for (;;) {
		pthread_mutex_lock(&P->mu);
		while (!P->stop && P->taken == P->filled)
			pthread_cond_wait(&P->work, &P->mu);
		if (P->taken == P->filled) {
			pthread_mutex_unlock(&P->mu);
			break;
		}
		struct batch *b = &P->ring[P->taken++ % P->nring];
		b->state = B_TAKEN;
		pthread_mutex_unlock(&P->mu);
		judge_batch(P, &W->J, b);
		pthread_mutex_lock(&P->mu);
		b->state = B_DONE;
		pthread_cond_signal(&P->done);
		pthread_mutex_unlock(&P->mu);
	}
	return NULL;
}

/* Runs the records through workers; returns 0, or -1 when no thread
 * could be started (the caller then runs them itself). */
static int run_parallel(const eu_filter *f, void *ctx, eu_stream *s, const eu_plan *plan, struct emit_state *es,
			eu_writer *w)
{
	struct pool P = {.f = f, .plan = plan, .ncols = s->ncols};
	/* The reading thread judges too, when the ring is full: jobs - 1
	 * workers, so that no more threads run than were asked for. */
	unsigned nw = (f->jobs > 64 ? 64 : f->jobs) - 1;
	struct worker *W = eu_xcalloc(nw, sizeof *W);
	unsigned started = 0;
	size_t nowned = f->nowned;

	pthread_mutex_init(&P.mu, NULL);
	pthread_cond_init(&P.work, NULL);
	pthread_cond_init(&P.done, NULL);
	P.nring = 2 * (size_t)nw + 2;
	P.ring = eu_xcalloc(P.nring, sizeof *P.ring);
	for (unsigned i = 0; i < nw; i++) {
		W[i].P = &P;
		void *wctx = f->worker_new(ctx);
		if (!wctx)
			break;
		judging_init(&W[i].J, wctx, w, s->ncols);
		if (pthread_create(&W[i].th, NULL, work, &W[i]) != 0) {
			f->worker_free(wctx);
			judging_free(&W[i].J);
			break;
		}
		started++;
	}
	if (started) {
		struct judging J;
		judging_init(&J, ctx, w, s->ncols);
		unsigned long written = 0;
		int eof = 0, failed = 0;
		for (;;) {
			pthread_mutex_lock(&P.mu);
			/* Write what is finished, in order. */
			while (written < P.filled && P.ring[written % P.nring].state == B_DONE && !failed) {
				struct batch *b = &P.ring[written % P.nring];
				pthread_mutex_unlock(&P.mu);
				/* The messages in input order, then the rows in one
				 * write: as with a buffered writer, a write error
				 * stops the run within a batch of it. */
				for (size_t k = 0; k < b->n; k++) {
					if (b->r[k].rejected) {
						eu_rec rec;
						batch_rec(b, k, s->ncols, J.v, &rec);
						emit_note(es, &s->status, &rec, &b->reason[k], b->r[k].blank);
					}
				}
				eu_write_raw(w, b->rows.p, b->rows.len);
				failed = eu_writer_error(w) != 0;
				pthread_mutex_lock(&P.mu);
				b->state = B_FREE;
				written++;
			}
			if (failed || (eof && written == P.filled)) {
				pthread_mutex_unlock(&P.mu);
				break;
			}
			if (eof || P.filled - written == P.nring) {
				if (P.taken < P.filled) {
					/* Rather than wait: judge the next batch here. */
					struct batch *b = &P.ring[P.taken++ % P.nring];
					b->state = B_TAKEN;
					pthread_mutex_unlock(&P.mu);
					judge_batch(&P, &J, b);
					pthread_mutex_lock(&P.mu);
					b->state = B_DONE;
				} else {
					pthread_cond_wait(&P.done, &P.mu);
				}
				pthread_mutex_unlock(&P.mu);
				continue;
			}
			pthread_mutex_unlock(&P.mu);
			/* The slot after the last filled one is free: written
			 * batches are freed before this thread fills again. */
			struct batch *b = &P.ring[P.filled % P.nring];
			if (!batch_fill(b, s, nowned)) {
				eof = 1;
				continue;
			}
			pthread_mutex_lock(&P.mu);
			b->state = B_FILLED;
			P.filled++;
			pthread_cond_signal(&P.work);
			pthread_mutex_unlock(&P.mu);
		}
		judging_free(&J);
		pthread_mutex_lock(&P.mu);
		P.stop = 1;
		pthread_cond_broadcast(&P.work);
		pthread_mutex_unlock(&P.mu);
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(W[i].th, NULL);
		f->worker_free(W[i].J.ctx);
		judging_free(&W[i].J);
	}
	for (size_t q = 0; q < P.nring; q++) {
		struct batch *b = &P.ring[q];
		for (size_t k = 0; k < b->rcap * nowned; k++)
			eu_buf_free(&b->out[k]);
		for (size_t k = 0; k < b->rcap; k++)
			eu_buf_free(&b->reason[k]);
		eu_buf_free(&b->data);
		eu_buf_free(&b->rows);
		free(b->out);
		free(b->reason);
		free(b->r);
		free(b->voff);
		free(b->vlen);
	}
	free(P.ring);
	free(W);
	pthread_cond_destroy(&P.work);
	pthread_cond_destroy(&P.done);
	pthread_mutex_destroy(&P.mu);
	return started ? 0 : -1;
}

int eu_filter_run(const eu_filter *f, void *ctx, char *const *paths,
		  size_t npaths, eu_writer *w)
{
	eu_stream s;
	eu_plan plan;
	eu_buf reason = EU_BUF_INIT;
	eu_owned out;
	eu_rec rec;
	struct emit_state es = {.origin = EU_BUF_INIT};
	int status;

	eu_stream_open(&s, paths, npaths, NULL);
	eu_stream_add_col(&s, EU_COL_REJECT);
	eu_stream_add_col(&s, EU_COL_ORIGIN);
	es.id_col = eu_stream_col(&s, "id");
	if (f->prepare) {
		int rc = f->prepare(ctx, &s);
		if (rc) {
			eu_stream_close(&s);
			return rc;
		}
	}
	if (s.nin == 0) {
		/* Nothing readable: an empty output makes the next stage fail
		 * too, rather than pass on a stream that looks merely empty. */
		status = s.status;
		eu_stream_close(&s);
		return status;
	}
	eu_plan_init(&plan, &s, f->owned, f->nowned, f->owned_numeric);
	eu_plan_write_header(&plan, w);
	out.n = f->nowned;
	out.val = eu_xcalloc(f->nowned + 1, sizeof *out.val);

	if (f->jobs <= 1 || !f->worker_new || run_parallel(f, ctx, &s, &plan, &es, w) < 0) {
		while (eu_stream_next(&s, &rec)) {
			int rejected, blank;
			judge(f, ctx, &plan, &rec, &out, &reason, &rejected, &blank);
			emit(&es, &s.status, &plan, &rec, &out, &reason, rejected, blank, w);
			if (eu_writer_error(w))
				break;
		}
	}
	if (es.hidden)
		eu_warnx("%lu more rejected records not shown", es.hidden);

	status = s.status;
	for (size_t k = 0; k < out.n; k++)
		eu_buf_free(&out.val[k]);
	free(out.val);
	eu_buf_free(&reason);
	eu_buf_free(&es.origin);
	eu_plan_free(&plan);
	eu_stream_close(&s);
	return status;
}
