/* The thread pool of the filter driver, for filters that can run on
 * worker threads (eu_filter.worker_new).  The reading thread copies records
 * into batches; the workers (and the reading thread itself while the ring
 * is full) judge whole batches, taking them in order but finishing in any;
 * the reading thread writes finished batches in input order, so the output
 * and every message are as from one thread.  The ring of batches is fixed,
 * and a batch's buffers are reused, so memory stays flat. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "euprio/stream/filter.h"
#include "filter_int.h"

unsigned eu_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

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
		eu_filter_judge(P->f, J->ctx, P->plan, &rec, &out, &b->reason[k], &r->rejected, &r->blank);
		eu_filter_row(P->plan, &rec, &out, &b->reason[k], r->rejected, r->blank, J->rows, &J->origin);
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
int eu_pool_run(const eu_filter *f, void *ctx, eu_stream *s, const eu_plan *plan, struct emit_state *es,
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
						eu_filter_note(es, &s->status, &rec, &b->reason[k], b->r[k].blank);
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