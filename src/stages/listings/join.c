/* euprio-sdeo's join (--append): listings onto the applications of the
 * record stream, by project (docs/listings.md).
 *
 * A listing and an application are one project when their calls agree
 * and the acronym, the title or the lead partner say so; each pair that
 * qualifies has a score, the settings' weights of the evidence.  A
 * listing joins the application it fits best when that application fits
 * it best too, and neither has a rival as good; anything else is kept
 * both ways, with a warning naming both.  Nothing is dropped: every
 * application comes out once, every listing comes out as its own record
 * or inside the application it joined (named in its sdeo_id).
 *
 * The applications are spooled (the raw stream) and only what the match
 * compares is held for each, in hash indexes by call, acronym and title
 * word; listings are matched as they are read and spooled with the
 * verdict (spool.c).  So memory grows with the applications, not with
 * the listings. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listings_int.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/stream/schema.h"
#include "euprio/stream/stream.h"

#define EPS 1e-9

struct app {
	char *id;
	uint64_t *words;
	uint32_t nwords;
	uint64_t lead, numbers, programme;
	char *call, *acr;        /* normalised (match.c), or NULL */
	unsigned char rejected;
	/* the best listing so far */
	unsigned char has_top, top_joinable, tied;
	double top;
	off_t top_off;
	int32_t top_ord;
	char *top_id, *rival_id;
};

struct postings {
	uint32_t *a;
	size_t n, cap;
};

struct join {
	struct app *a;
	size_t na;
	eu_strmap by_call, by_acr, by_word;
	uint32_t *stamp, cur;
	lspool spool;
	int32_t nlist;
	unsigned long joined, ambiguous;
	struct pfacts lf;
};

static void post(eu_strmap *m, const char *key, size_t len, uint32_t app)
{
	struct postings *p = eu_strmap_get(m, key, len, NULL);
	if (!p) {
		p = eu_xcalloc(1, sizeof *p);
		eu_strmap_add(m, key, len, p);
	}
	if (p->n && p->a[p->n - 1] == app)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->a = eu_xrealloc(p->a, p->cap * sizeof *p->a);
	}
	p->a[p->n++] = app;
}

static void free_postings(void *v)
{
	struct postings *p = v;
	free(p->a);
	free(p);
}

void listings_write_rec(struct run *r, const struct rec *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		eu_write_field(r->w, rec->v[i].p ? rec->v[i].p : "", rec->v[i].len, 0);
	eu_write_end(r->w);
}

/* How well a listing fits an application: a score, -1 when they are not
 * one project, or -2 when only the call and the lead partner agree (a
 * project described in other words, or another project of that lead's:
 * kept both ways, with a warning). */
static double fit(const eu_listings *S, const struct pfacts *lf, const struct app *a)
{
	if (a->rejected)
		return -1;
	int same_call = 0;
	if (lf->call.len && a->call) {
		if (strcmp(lf->call.p, a->call))
			return -1;       /* two calls: two projects */
		same_call = 1;
	}
	int acr = lf->acronym.len && a->acr && !strcmp(lf->acronym.p, a->acr);
	/* Titles with other numbers are other phases or years of a
	 * programme: they say "another project", whatever else they share. */
	int numbers_differ = lf->numbers && a->numbers && lf->numbers != a->numbers;
	double sim = numbers_differ ? 0 : listings_title_similarity(lf->words, lf->nwords, a->words, a->nwords);
	int title = sim > 0 && sim + EPS >= S->title_min;
	int lead = lf->lead && lf->lead == a->lead;
	/* A lead partner leads many projects, often several on one call: it
	 * says "same project" only on the same call, and only when the titles
	 * do not say otherwise (one is missing, or they are at least
	 * join_lead_title_similarity alike). */
	int lead_says = lead && same_call &&
			(!lf->nwords || !a->nwords || sim + EPS >= S->lead_title_min) && !numbers_differ;
	if (!(acr || title || lead_says))
		return lead && same_call ? -2 : -1;
	/* Without a call to agree on, one piece is not enough (acronyms recur
	 * across programmes and years): the programme must agree too, or a
	 * second piece say so. */
	if (!same_call && acr + title + lead < 2 && !(lf->programme && lf->programme == a->programme))
		return -1;
	return (same_call ? S->w_call : 0) + (acr ? S->w_acronym : 0) + (title ? S->w_title * sim : 0) +
	       (lead ? S->w_lead : 0);
}

static void claim(struct app *a, double s, off_t off, int32_t ord, const char *id, int joinable)
{
	if (!a->has_top || s > a->top + EPS) {
		free(a->top_id);
		free(a->rival_id);
		a->rival_id = NULL;
		a->has_top = 1;
		a->top = s;
		a->top_off = off;
		a->top_ord = ord;
		a->top_id = eu_xstrdup(id);
		a->top_joinable = (unsigned char)joinable;
		a->tied = 0;
	} else if (fabs(s - a->top) <= EPS && strcmp(id, a->top_id)) {
		a->tied = 1;
		if (!a->rival_id)
			a->rival_id = eu_xstrdup(id);
	}
}

static int app_joins(const struct app *a)
{
	return a->has_top && a->top_joinable && !a->tied;
}

static int by_df(const void *x, const void *y)
{
	const size_t *a = x, *b = y;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* A finished listing record: written (plain runs), or matched against the
 * applications and spooled with the verdict (--append). */
void listings_deliver(struct run *r, struct rec *rec)
{
	listings_finish(rec);
	struct join *J = r->J;
	if (!J) {
		listings_write_rec(r, rec);
		return;
	}
	eu_listings *S = r->S;
	struct lspool_side side = {-1, {-1, -1}, -1};
	int32_t ord = J->nlist++;
	int32_t best[2] = {-1, -1};
	size_t nbest = 0;
	double top = -1;

	if (!rec->v[EU_C_REJECT].len) {
		struct pfacts *lf = &J->lf;
		listings_facts(lf, rec->v[EU_C_CALL_ID].p, rec->v[EU_C_CALL_ID].len, rec->v[EU_C_ACRONYM].p,
			       rec->v[EU_C_ACRONYM].len, rec->v[EU_C_TITLE].p, rec->v[EU_C_TITLE].len,
			       rec->v[EU_C_PROGRAMME].p, rec->v[EU_C_PROGRAMME].len, rec->v[EU_C_PARTNERS].p,
			       rec->v[EU_C_PARTNERS].len);
		if (++J->cur == 0) {
			memset(J->stamp, 0, J->na * sizeof *J->stamp);
			J->cur = 1;
		}
		struct postings *lists[3 + 64];
		size_t nl = 0;
		struct postings *p;
		if (lf->call.len && (p = eu_strmap_get(&J->by_call, lf->call.p, lf->call.len, NULL)))
			lists[nl++] = p;
		if (lf->acronym.len && (p = eu_strmap_get(&J->by_acr, lf->acronym.p, lf->acronym.len, NULL)))
			lists[nl++] = p;
		/* Titles: an application whose title shares a share t of the
		 * words of both shares at least one of the listing's n - ceil(t n)
		 * + 1 rarest words, so only those words' postings are read. */
		if (lf->nwords) {
			size_t (*df)[2] = eu_xcalloc(lf->nwords, sizeof *df);
			for (uint32_t w = 0; w < lf->nwords; w++) {
				p = eu_strmap_get(&J->by_word, lf->wtext[w], strlen(lf->wtext[w]), NULL);
				df[w][0] = p ? p->n : 0;
				df[w][1] = w;
			}
			qsort(df, lf->nwords, sizeof *df, by_df);
			size_t need = (size_t)ceil(S->title_min * lf->nwords - EPS);
			size_t probe = lf->nwords - (need > lf->nwords ? lf->nwords : need) + 1;
			if (probe > lf->nwords)
				probe = lf->nwords;
			for (size_t w = 0; w < probe && nl < sizeof lists / sizeof *lists; w++)
				if (df[w][0])
					lists[nl++] = eu_strmap_get(&J->by_word, lf->wtext[df[w][1]],
								    strlen(lf->wtext[df[w][1]]), NULL);
			free(df);
		}
		for (size_t l = 0; l < nl; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				uint32_t ai = lists[l]->a[i];
				if (J->stamp[ai] == J->cur)
					continue;
				J->stamp[ai] = J->cur;
				double s = fit(S, lf, &J->a[ai]);
				if (s == -2 && side.maybe < 0)
					side.maybe = (int32_t)ai;
				if (s < 0)
					continue;
				if (s > top + EPS) {
					top = s;
					nbest = 0;
					best[nbest++] = (int32_t)ai;
				} else if (fabs(s - top) <= EPS) {
					if (nbest < 2)
						best[nbest] = (int32_t)ai;
					nbest++;
				}
			}
	}
	if (nbest == 1) {
		side.claim = best[0];
	} else if (nbest > 1) {
		side.tie[0] = best[0];
		side.tie[1] = best[1];
	}
	off_t off = listings_spool_put(&J->spool, rec, &side);
	const char *id = rec->v[EU_C_ID].p ? rec->v[EU_C_ID].p : "";
	if (nbest == 1)
		claim(&J->a[best[0]], top, off, ord, id, 1);
	else
		for (size_t i = 0; i < nbest && i < 2; i++)
			claim(&J->a[best[i]], top, off, ord, id, 0);
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t k = write(to, buf + off, (size_t)(n - off));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -1;
			off += k;
		}
	}
}

static const char *getv(const eu_rec *rec, long c, size_t *len)
{
	*len = c >= 0 ? rec->len[c] : 0;
	return c >= 0 ? rec->v[c] : "";
}

/* Pass 1: what the match compares of every application. */
static void load_apps(struct join *J, eu_stream *s)
{
	long cid = eu_stream_col(s, "id"), ccall = eu_stream_col(s, "call_id"), cacr = eu_stream_col(s, "acronym"),
	     ctitle = eu_stream_col(s, "title"), cpart = eu_stream_col(s, "partners"),
	     cprog = eu_stream_col(s, "programme"),
	     crej = eu_stream_col(s, "reject_reason");
	struct pfacts af = {0};
	size_t cap = 0;
	eu_rec rec;

	while (eu_stream_next(s, &rec)) {
		if (J->na == cap) {
			cap = cap ? cap * 2 : 256;
			J->a = eu_xrealloc(J->a, cap * sizeof *J->a);
		}
		uint32_t ai = (uint32_t)J->na++;
		struct app *a = &J->a[ai];
		memset(a, 0, sizeof *a);
		size_t l;
		const char *v = getv(&rec, cid, &l);
		a->id = eu_xstrndup(v, l);
		getv(&rec, crej, &l);
		if (rec.bad || l) {
			a->rejected = 1;     /* bad or rejected upstream: joins nothing */
			continue;
		}
		size_t cl, al, tl, pl, gl;
		const char *call = getv(&rec, ccall, &cl), *acr = getv(&rec, cacr, &al), *title = getv(&rec, ctitle, &tl),
			   *part = getv(&rec, cpart, &pl), *prog = getv(&rec, cprog, &gl);
		listings_facts(&af, call, cl, acr, al, title, tl, prog, gl, part, pl);
		a->lead = af.lead;
		a->numbers = af.numbers;
		a->programme = af.programme;
		a->nwords = af.nwords;
		a->words = eu_xmalloc((af.nwords + 1) * sizeof *a->words);
		memcpy(a->words, af.words, af.nwords * sizeof *a->words);
		if (af.call.len) {
			a->call = eu_xstrndup(af.call.p, af.call.len);
			post(&J->by_call, af.call.p, af.call.len, ai);
		}
		if (af.acronym.len) {
			a->acr = eu_xstrndup(af.acronym.p, af.acronym.len);
			post(&J->by_acr, af.acronym.p, af.acronym.len, ai);
		}
		for (uint32_t w = 0; w < af.nwords; w++)
			post(&J->by_word, af.wtext[w], strlen(af.wtext[w]), ai);
	}
	listings_facts_free(&af);
	J->stamp = eu_xcalloc(J->na + 1, sizeof *J->stamp);
}

/* Fills the join's note into a listing's warnings, and says it aloud. */
static void note(struct rec *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rec *l, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	eu_warnx("%s: %s", l->v[EU_C_ORIGIN].p ? l->v[EU_C_ORIGIN].p : "", msg);
	listings_warn(l, "%s", msg);
}

int listings_join(eu_listings *S, struct lfile *files, size_t nfiles, int append_fd, eu_writer *out)
{
	struct join J = {0};
	struct run r = {.S = S, .w = out, .J = &J};
	int apps = -1;

	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, "-")) {
			eu_warnx("--append reads the record stream on stdin: a listing cannot come from there too");
			return EU_EXIT_USAGE;
		}
	apps = eu_spool_fd("sdeo");
	if (apps < 0 || listings_spool_open(&J.spool) < 0 || copy_fd(append_fd, apps) < 0) {
		eu_warnx("cannot spool the record stream: %s", strerror(errno));
		if (apps >= 0)
			close(apps);
		listings_spool_close(&J.spool);
		return EU_EXIT_OUTPUT;
	}
	eu_stream s;
	char path[64];
	/* Each open of /dev/fd/N is a fresh description with its own offset. */
	snprintf(path, sizeof path, "/dev/fd/%d", apps);
	char *const app_paths[] = {path};
	eu_stream_open(&s, app_paths, 1, NULL);
	load_apps(&J, &s);
	r.status = s.status;
	eu_stream_close(&s);

	listings_read_all(&r, files, nfiles);
	if (listings_spool_flush(&J.spool) < 0) {
		eu_warnx("cannot spool listings: %s", strerror(J.spool.err));
		eu_status_raise(&r.status, EU_EXIT_OUTPUT);
	}

	/* Output header: the applications' columns, then any listing column
	 * they lack. */
	eu_stream_open(&s, app_paths, 1, NULL);
	long *lmap = eu_xcalloc(S->ncols, sizeof *lmap);
	for (size_t i = 0; i < S->ncols; i++)
		lmap[i] = (long)eu_stream_add_col(&s, S->cols[i]);
	for (size_t i = 0; i < s.ncols; i++)
		eu_write_str(out, s.cols[i]);
	eu_write_end(out);
	size_t ncols_out = s.ncols;
	long asdeo = lmap[EU_C_SDEO_ID], arej = lmap[EU_C_REJECT], aorig = lmap[EU_C_ORIGIN];
	struct rec l;
	struct lspool_side side;
	listings_rec_init(&l, S->ncols);
	eu_buf reason = EU_BUF_INIT, origin = EU_BUF_INIT;
	unsigned long napps = 0, joined_apps = 0, written = 0;
	eu_rec rec;
	/* Pass 3: the applications, each with the listing it joined. */
	for (size_t ai = 0; eu_stream_next(&s, &rec) && !eu_writer_error(out); ai++) {
		const struct app *a = ai < J.na ? &J.a[ai] : NULL;
		int join = a && app_joins(a);
		napps++;
		if (join && listings_spool_get(&J.spool, a->top_off, &l, &side) < 0) {
			eu_warnx("cannot read the listing spool back: %s", strerror(J.spool.err));
			eu_status_raise(&r.status, EU_EXIT_OUTPUT);
			join = 0;
		}
		joined_apps += join;
		eu_buf_clear(&reason);
		eu_buf_clear(&origin);
		/* A row the reader could not trust is rejected as in every
		 * stage, keeping what it read (a ragged row's values may be
		 * shifted, so those go). */
		int bad = rec.bad != NULL, blank = bad && !strncmp(rec.bad, "ragged", 6);
		if (bad) {
			eu_rec_describe_bad(&reason, &rec);
			if (!rec.len[aorig] || blank)
				eu_origin_format(&origin, "-", rec.line);
			eu_warn_at("-", rec.line, "%s", reason.p);
			eu_status_raise(&r.status, EU_EXIT_BADREC);
		}
		for (size_t c = 0; c < s.ncols; c++) {
			const char *v = rec.v[c];
			size_t n = rec.len[c];
			if (bad && (long)c == arej) {
				v = reason.p;
				n = reason.len;
			} else if (bad && (long)c == aorig && origin.len) {
				v = origin.p;
				n = origin.len;
			} else if (blank) {
				n = 0;
			} else if (join && (long)c == asdeo && !n) {
				const eu_buf *sid = l.v[EU_C_SDEO_ID].len ? &l.v[EU_C_SDEO_ID] : &l.v[EU_C_ID];
				v = sid->p;
				n = sid->len;
			} else if (join && !n) {
				/* Fill what the application left empty. */
				for (size_t i = 0; i < S->ncols; i++)
					if (lmap[i] == (long)c && i != EU_C_ID && i != EU_C_SOURCE && i != EU_C_ORIGIN &&
					    i != EU_C_WARNINGS && i != EU_C_REJECT && l.v[i].len) {
						v = l.v[i].p;
						n = l.v[i].len;
					}
			}
			eu_write_field(out, v ? v : "", n, 0);
		}
		eu_write_end(out);
	}
	eu_status_raise(&r.status, s.status);
	eu_stream_close(&s);

	/* Pass 4: the listings that joined nothing, laid out under the
	 * output header, with what the join has to say about them. */
	const char **outv = eu_xcalloc(ncols_out + 1, sizeof *outv);
	size_t *outl = eu_xcalloc(ncols_out + 1, sizeof *outl);
	listings_spool_rewind(&J.spool);
	int got;
	int32_t ord = 0;
	while ((got = listings_spool_next(&J.spool, &l, &side)) == 1 && !eu_writer_error(out)) {
		int32_t me = ord++;
		const char *id = l.v[EU_C_ID].p ? l.v[EU_C_ID].p : "";
		if (side.claim >= 0) {
			const struct app *a = &J.a[side.claim];
			if (app_joins(a) && (a->top_ord == me || !strcmp(a->top_id, id))) {
				J.joined++;  /* inside the application, named in its sdeo_id */
				continue;
			}
			if (a->tied && (a->top_ord == me || (a->rival_id && !strcmp(a->rival_id, id)) ||
					!strcmp(a->top_id, id))) {
				J.ambiguous++;
				note(&l, "listing %s and listing %s fit application %s equally well: neither joined, "
				     "both kept", a->top_id, a->rival_id ? a->rival_id : "?", a->id);
			} else if (app_joins(a))
				note(&l, "listing %s fits application %s, but listing %s fits it better: kept as its own "
				     "record", id, a->id, a->top_id);
			else
				note(&l, "listing %s fits application %s, whose best match is ambiguous: kept as its own "
				     "record", id, a->id);
		} else if (side.maybe >= 0) {
			J.ambiguous++;
			note(&l, "listing %s may be the same project as application %s (the same call and lead partner, "
			     "but other titles): kept both ways, not joined", id, J.a[side.maybe].id);
		} else if (side.tie[0] >= 0) {
			J.ambiguous++;
			note(&l, "listing %s may be the same project as application %s and application %s (equal "
			     "evidence): kept as its own record, joined with neither", id, J.a[side.tie[0]].id,
			     J.a[side.tie[1]].id);
		}
		for (size_t c = 0; c < ncols_out; c++) {
			outv[c] = "";
			outl[c] = 0;
		}
		for (size_t i = 0; i < l.n; i++) {
			outv[lmap[i]] = l.v[i].p ? l.v[i].p : "";
			outl[lmap[i]] = l.v[i].len;
		}
		for (size_t c = 0; c < ncols_out; c++)
			eu_write_field(out, outv[c], outl[c], 0);
		eu_write_end(out);
		written++;
	}
	if (got < 0) {
		eu_warnx("cannot read the listing spool back: %s", strerror(J.spool.err));
		eu_status_raise(&r.status, EU_EXIT_OUTPUT);
	}
	unsigned long nlist = (unsigned long)J.nlist;
	eu_warnx("%lu applications and %lu listings in; out: %lu applications (%lu joined with a listing, named "
		 "in their sdeo_id) and %lu listings as their own records (%lu ambiguous, kept both ways); %lu "
		 "listings inside the applications they joined",
		 napps, nlist, napps, joined_apps, written, J.ambiguous, J.joined);
	if (!eu_writer_error(out) && written + J.joined != nlist) {
		eu_warnx("bug: %lu listings read, %lu written and %lu joined", nlist, written, J.joined);
		eu_status_raise(&r.status, EU_EXIT_OUTPUT);
	}
	free(outv);
	free(outl);
	free(lmap);
	listings_rec_free(&l);
	eu_buf_free(&reason);
	eu_buf_free(&origin);
	for (size_t i = 0; i < J.na; i++) {
		free(J.a[i].id);
		free(J.a[i].words);
		free(J.a[i].top_id);
		free(J.a[i].rival_id);
		free(J.a[i].call);
		free(J.a[i].acr);
	}
	free(J.a);
	free(J.stamp);
	eu_strmap_free(&J.by_call, free_postings);
	eu_strmap_free(&J.by_acr, free_postings);
	eu_strmap_free(&J.by_word, free_postings);
	listings_facts_free(&J.lf);
	listings_spool_close(&J.spool);
	close(apps);
	return r.status;
}
