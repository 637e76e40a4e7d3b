/* Unit tests for the record stream (src/stream/stream.c), the output plan,
 * the filter driver (filter.c) and its thread pool (pool.c): the union of
 * headers, skipped inputs, origins, how rejected, upstream-rejected and
 * unreadable records travel, the messages and their cap, the status, and
 * that any number of threads gives the bytes, messages and status of one. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/buf.h"
#include "euprio/core/cli.h"
#include "euprio/core/diag.h"
#include "euprio/core/reader.h"
#include "euprio/core/writer.h"
#include "euprio/stream/filter.h"
#include "euprio/stream/stream.h"

/* ---- fixtures: a temporary folder of inputs, captured messages ---- */

static char dir[64];

static int setup(void **s)
{
	(void)s;
	snprintf(dir, sizeof dir, "/tmp/euprio-stream-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	eu_set_progname("t");
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	return remove(path);
}

static int teardown(void **s)
{
	(void)s;
	return nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The path of name in the folder; the caller frees it. */
static char *path_of(const char *name)
{
	eu_buf b = EU_BUF_INIT;
	eu_buf_printf(&b, "%s/%s", dir, name);
	return b.p;
}

static char *put_file(const char *name, const char *data, size_t len)
{
	char *p = path_of(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return p;
}

static char *put(const char *name, const char *text)
{
	return put_file(name, text, strlen(text));
}

static char *diag_buf;
static size_t diag_len;

static void capture(void)
{
	eu_diag = open_memstream(&diag_buf, &diag_len);
	assert_non_null(eu_diag);
}

/* The messages since capture(); the caller frees them. */
static char *captured(void)
{
	fclose(eu_diag);
	eu_diag = NULL;
	return diag_buf;
}

/* text with each '@' as the fixtures' folder; the caller frees it. */
static char *in_dir(const char *text)
{
	eu_buf b = EU_BUF_INIT;

	for (const char *p = text; *p; p++) {
		if (*p == '@')
			eu_buf_adds(&b, dir);
		else
			eu_buf_addc(&b, *p);
	}
	eu_buf_add(&b, "", 0);
	return b.p;
}

static void assert_msgs(const char *got, const char *want_text)
{
	char *want = in_dir(want_text);
	assert_string_equal(got, want);
	free(want);
}

/* Output read back as "[f1][f2]...\n" per row, so a whole run compares
 * as one string. */
static char *rows_of(const char *out, size_t len)
{
	eu_reader_opts o = {.check_utf8 = 1};
	eu_reader *r = eu_reader_mem(out, len, "out", &o);
	eu_buf b = EU_BUF_INIT;
	eu_row row;

	while (eu_reader_next(r, &row) == 1) {
		assert_null(row.bad);
		for (size_t i = 0; i < row.n; i++) {
			eu_buf_addc(&b, '[');
			eu_buf_add(&b, row.f[i], row.len[i]);
			eu_buf_addc(&b, ']');
		}
		eu_buf_addc(&b, '\n');
	}
	eu_reader_close(r);
	eu_buf_add(&b, "", 0);
	return b.p;
}

struct run {
	char *out;
	size_t len;
	char *err;
	int status;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Runs f over paths into a temporary file; the output, the messages and
 * the status in *r. */
static void run(const eu_filter *f, void *ctx, char **paths, size_t npaths, struct run *r)
{
	char tmpl[] = "/tmp/euprio-stream-out-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	unlink(tmpl);
	eu_writer *w = eu_writer_fdopen(fd, "out", NULL);

	capture();
	r->status = eu_filter_run(f, ctx, paths, npaths, w);
	r->err = captured();
	assert_int_equal(eu_writer_flush(w), 0);
	off_t size = lseek(fd, 0, SEEK_END);
	r->len = (size_t)size;
	r->out = calloc(1, r->len + 1);
	assert_int_equal(pread(fd, r->out, r->len, 0), size);
	eu_writer_close(w);
	close(fd);
}

/* ---- the record stream ---- */

/* Every record of s as "file-name:line:[v1][v2]...\n" in union order. */
static char *records_of(eu_stream *s)
{
	eu_buf b = EU_BUF_INIT;
	eu_rec rec;

	while (eu_stream_next(s, &rec)) {
		assert_int_equal(rec.n, s->ncols);
		const char *slash = strrchr(rec.file, '/');
		eu_buf_printf(&b, "%s:%ld:", slash ? slash + 1 : rec.file, rec.line);
		for (size_t i = 0; i < rec.n; i++) {
			assert_int_equal(strlen(rec.v[i]), rec.len[i]);
			eu_buf_printf(&b, "[%s]", rec.v[i]);
		}
		eu_buf_addc(&b, '\n');
	}
	eu_buf_add(&b, "", 0);
	return b.p;
}

static char *header_of(const eu_stream *s)
{
	eu_buf b = EU_BUF_INIT;
	for (size_t i = 0; i < s->ncols; i++)
		eu_buf_printf(&b, "%s%s", i ? "," : "", s->cols[i]);
	eu_buf_add(&b, "", 0);
	return b.p;
}

static void test_stream_union(void **st)
{
	(void)st;
	char *p[3] = {
		put("a.csv", "id,title\n1,Alpha\n2,\"two\nlines\"\n3,Gamma\n"),
		put("b.csv", "title,extra,id\r\nDelta,x,4\r\n"),
		put("c.csv", "zeta\nz\n"),
	};
	eu_stream s;

	capture();
	assert_int_equal(eu_stream_open(&s, p, 3, NULL), 0);
	char *h = header_of(&s);
	assert_string_equal(h, "id,title,extra,zeta");
	assert_int_equal(s.nin, 3);
	assert_int_equal(eu_stream_col(&s, "extra"), 2);
	assert_int_equal(eu_stream_col(&s, "nope"), -1);
	/* A column already there keeps its place; a new one goes last. */
	assert_int_equal(eu_stream_add_col(&s, "title"), 1);
	assert_int_equal(eu_stream_add_col(&s, "late"), 4);
	char *got = records_of(&s);
	/* The line is where the record starts, after a quoted line break too;
	 * a column the record's file lacks is "". */
	assert_string_equal(got,
			    "a.csv:2:[1][Alpha][][][]\n"
			    "a.csv:3:[2][two\nlines][][][]\n"
			    "a.csv:5:[3][Gamma][][][]\n"
			    "b.csv:2:[4][Delta][x][][]\n"
			    "c.csv:2:[][][][z][]\n");
	assert_int_equal(s.status, EU_EXIT_OK);
	eu_stream_close(&s);
	char *err = captured();
	assert_string_equal(err, "");
	free(err);
	free(got);
	free(h);
	for (int i = 0; i < 3; i++)
		free(p[i]);
}

static void test_stream_skips_bad_inputs(void **st)
{
	(void)st;
	char *sub = path_of("a-folder");
	assert_int_equal(mkdir(sub, 0700), 0);
	char *p[8] = {
		path_of("missing.csv"),
		put("empty.csv", ""),
		put("dup.csv", "id,title,id\n1,x,y\n"),
		put("good.csv", "id,title\n1,One\n"),
		sub,
		put_file("utf16.csv", "\xff\xfei\0d\0\n\0", 8),
		put("badhead.csv", "id,ti\xfftle\n1,x\n"),
		put("good2.csv", "title,note\nTwo,n\n"),
	};
	eu_stream s;

	capture();
	eu_stream_open(&s, p, 8, NULL);
	char *h = header_of(&s);
	char *got = records_of(&s);
	int status = s.status;
	size_t nin = s.nin;
	eu_stream_close(&s);
	char *err = captured();

	/* Each bad input is named and skipped; the rest is read, and only the
	 * good headers make the union. */
	assert_string_equal(h, "id,title,note");
	assert_int_equal(nin, 2);
	assert_string_equal(got, "good.csv:2:[1][One][]\ngood2.csv:2:[][Two][n]\n");
	assert_int_equal(status, EU_EXIT_INPUT);
	assert_msgs(err,
		    "t: @/missing.csv: cannot open: No such file or directory\n"
		    "t: @/empty.csv: empty input: no header row\n"
		    "t: @/dup.csv:1: column 'id' appears twice in the header; file skipped\n"
		    "t: @/a-folder: read error: Is a directory\n"
		    "t: @/utf16.csv:1: UTF-16 text (byte-order mark FF FE): save it as UTF-8 or "
		    "Windows-1252 CSV\n"
		    "t: @/badhead.csv:1: unusable header row: invalid UTF-8 in field 2 at byte 3\n");
	free(err);
	free(got);
	free(h);
	for (int i = 0; i < 8; i++)
		free(p[i]);
}

/* ---- the plan ---- */

static char *plan_str(const eu_plan *p)
{
	eu_buf b = EU_BUF_INIT;
	for (size_t i = 0; i < p->nout; i++)
		eu_buf_printf(&b, "%s%s=%ld", i ? "," : "", p->names[i], p->src[i]);
	eu_buf_add(&b, "", 0);
	return b.p;
}

static void test_plan(void **st)
{
	(void)st;
	static const char *const owned[] = {"score", "goals"};
	static const unsigned char numeric[] = {1, 0};
	char *p[2] = {
		put("plain.csv", "id,title\n1,x\n"),
		put("rerun.csv", "id,score,title,reject_reason,goals,origin\n1,2,x,,G1,\n"),
	};
	eu_stream s;
	eu_plan plan;

	/* Owned columns are appended after what passes through; the driver
	 * adds reject_reason and origin to a stream that lacks them. */
	eu_stream_open(&s, p, 1, NULL);
	eu_stream_add_col(&s, EU_COL_REJECT);
	eu_stream_add_col(&s, EU_COL_ORIGIN);
	eu_plan_init(&plan, &s, owned, 2, numeric);
	char *got = plan_str(&plan);
	assert_string_equal(got, "id=0,title=1,reject_reason=2,origin=3,score=-1,goals=-2");
	assert_int_equal(plan.in_reject, 2);
	assert_int_equal(plan.out_reject, 2);
	assert_int_equal(plan.in_origin, 3);
	assert_int_equal(plan.out_origin, 3);
	assert_int_equal(plan.nowned, 2);
	assert_ptr_equal(plan.numeric, numeric);
	free(got);
	eu_plan_free(&plan);
	eu_stream_close(&s);

	/* Run again on its own output: the owned columns are not kept from
	 * the input but replaced by this run's, at the end, once each. */
	eu_stream_open(&s, p + 1, 1, NULL);
	eu_stream_add_col(&s, EU_COL_REJECT);
	eu_stream_add_col(&s, EU_COL_ORIGIN);
	assert_int_equal(s.ncols, 6);
	eu_plan_init(&plan, &s, owned, 2, NULL);
	got = plan_str(&plan);
	assert_string_equal(got, "id=0,title=2,reject_reason=3,origin=5,score=-1,goals=-2");
	assert_int_equal(plan.in_reject, 3);
	assert_int_equal(plan.out_reject, 2);
	assert_int_equal(plan.in_origin, 5);
	assert_int_equal(plan.out_origin, 3);
	free(got);

	char tmpl[] = "/tmp/euprio-stream-plan-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	unlink(tmpl);
	eu_writer *w = eu_writer_fdopen(fd, "plan", NULL);
	eu_plan_write_header(&plan, w);
	assert_int_equal(eu_writer_flush(w), 0);
	char head[128] = {0};
	assert_true(pread(fd, head, sizeof head - 1, 0) > 0);
	assert_string_equal(head, "id,title,reject_reason,origin,score,goals\n");
	eu_writer_close(w);
	close(fd);
	eu_plan_free(&plan);
	eu_stream_close(&s);

	eu_buf o = EU_BUF_INIT;
	eu_origin_format(&o, "x/y.csv", 42);
	assert_string_equal(o.p, "x/y.csv:42");
	eu_buf_free(&o);
	free(p[0]);
	free(p[1]);
}

/* ---- the driver ---- */

/* A filter that owns the length of the title and a verdict, rejects an
 * empty title and one that starts with X, and counts its calls. */
struct tctx {
	long title;
	unsigned long calls;
	int no_reason;       /* reject "Q" titles without saying why */
	int prepare_rc;
};

static int t_prepare(void *vctx, const eu_stream *s)
{
	struct tctx *c = vctx;
	c->title = eu_stream_col(s, "title");
	return c->prepare_rc;
}

static int t_process(void *vctx, const eu_rec *rec, eu_owned *out, eu_buf *reason)
{
	struct tctx *c = vctx;
	const char *t = c->title >= 0 ? rec->v[c->title] : "";

	c->calls++;
	/* Values set before a rejection must not reach the output. */
	eu_buf_adds(&out->val[0], "half-done");
	if (!*t) {
		eu_buf_adds(reason, "no title");
		return 1;
	}
	if (t[0] == 'X') {
		eu_buf_printf(reason, "title starts with X (%s)", t);
		return 1;
	}
	if (t[0] == 'Q' && c->no_reason)
		return 1;
	eu_buf_clear(&out->val[0]);
	eu_buf_printf(&out->val[0], "%zu", strlen(t));
	eu_buf_printf(&out->val[1], "ok:%s", t);
	return 0;
}

static const char *const t_owned[] = {"n_title", "verdict"};
static const unsigned char t_numeric[] = {1, 0};

static eu_filter t_filter(void)
{
	return (eu_filter){.owned = t_owned, .nowned = 2, .owned_numeric = t_numeric,
			   .prepare = t_prepare, .process = t_process};
}

static void test_driver_rejected_record(void **st)
{
	(void)st;
	char *p = put("rej.csv", "id,title,origin\n1,Alpha,\n2,Xeno,\n3,,somewhere.xml:9\n");
	eu_filter f = t_filter();
	struct tctx c = {0};
	struct run r;

	run(&f, &c, &p, 1, &r);
	char *got = rows_of(r.out, r.len);
	char *want = in_dir("[id][title][origin][reject_reason][n_title][verdict]\n"
			    "[1][Alpha][][][5][ok:Alpha]\n"
			    "[2][Xeno][@/rej.csv:3][title starts with X (Xeno)][][]\n"
			    "[3][][somewhere.xml:9][no title][][]\n");
	/* A rejected record keeps its values, gets its reason, its origin
	 * (the one it came with, else file:line) and blank owned columns. */
	assert_string_equal(got, want);
	assert_msgs(r.err,
		    "t: @/rej.csv:3: record 2: title starts with X (Xeno)\n"
		    "t: @/rej.csv:4: record 3: no title\n");
	assert_int_equal(r.status, EU_EXIT_BADREC);
	assert_int_equal(c.calls, 3);
	free(got);
	free(want);
	run_free(&r);

	/* A rejection without a reason gets a stand-in, never an empty one. */
	char *q = put("q.csv", "title\nQuiet\n");
	c = (struct tctx){.no_reason = 1};
	run(&f, &c, &q, 1, &r);
	got = rows_of(r.out, r.len);
	want = in_dir("[title][reject_reason][origin][n_title][verdict]\n"
		      "[Quiet][rejected without a reason (bug)][@/q.csv:2][][]\n");
	assert_string_equal(got, want);
	assert_msgs(r.err, "t: @/q.csv:2: rejected without a reason (bug)\n");
	assert_int_equal(r.status, EU_EXIT_BADREC);
	free(got);
	free(want);
	run_free(&r);
	free(p);
	free(q);
}

static void test_driver_upstream_rejected(void **st)
{
	(void)st;
	char *p = put("up.csv", "id,title,reject_reason,origin,n_title\n"
			       "1,Xray,an earlier stage said no,up.xml:7,99\n"
			       "2,Beta,,,\n");
	eu_filter f = t_filter();
	struct tctx c = {0};
	struct run r;

	run(&f, &c, &p, 1, &r);
	char *got = rows_of(r.out, r.len);
	/* Passed on untouched: not judged again, no message, its reason and
	 * origin as they came, and this stage's columns blank. */
	assert_string_equal(got, "[id][title][reject_reason][origin][n_title][verdict]\n"
				 "[1][Xray][an earlier stage said no][up.xml:7][][]\n"
				 "[2][Beta][][][4][ok:Beta]\n");
	assert_int_equal(c.calls, 1);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, EU_EXIT_OK);
	free(got);
	run_free(&r);
	free(p);
}

/* 39 bytes, so that a two-byte character after them straddles the cut at 40. */
#define A39 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
_Static_assert(sizeof A39 == 40, "A39 is 39 bytes");

static void test_driver_unreadable_row(void **st)
{
	(void)st;
	/* A ragged row with a long first field of tabs and a line break, a
	 * row of invalid UTF-8, and one whose first field is cut inside a
	 * two-byte character. */
	char *p = put("bad.csv", "id,title\n"
				"1,Alpha\n"
				"\"first\tfield\nof a row that is much longer than forty bytes\",x,y\n"
				"3,B\xff\n"
				A39 "\xc3\xa6\n"
				"5,Omega\n");
	eu_filter f = t_filter();
	struct tctx c = {0};
	struct run r;

	run(&f, &c, &p, 1, &r);
	char *got = rows_of(r.out, r.len);
	char *want = in_dir(
		"[id][title][reject_reason][origin][n_title][verdict]\n"
		"[1][Alpha][][][5][ok:Alpha]\n"
		"[][][ragged row: 3 fields where the header has 2; first field "
		"\"first field of a row that is much longer...\"][@/bad.csv:3][][]\n"
		"[][][invalid UTF-8 in field 2 at byte 2; first field \"3\"][@/bad.csv:5][][]\n"
		"[][][ragged row: 1 fields where the header has 2; first field "
		"\"" A39 "...\"][@/bad.csv:6][][]\n"
		"[5][Omega][][][5][ok:Omega]\n");
	/* Blank but for its reason (with its first field quoted, control
	 * characters as spaces, cut at 40 bytes on a character boundary) and
	 * its origin; process() never sees it. */
	assert_string_equal(got, want);
	assert_int_equal(c.calls, 2);
	/* The message names no record: its id cannot be trusted. */
	assert_msgs(r.err,
		    "t: @/bad.csv:3: ragged row: 3 fields where the header has 2; first field "
		    "\"first field of a row that is much longer...\"\n"
		    "t: @/bad.csv:5: invalid UTF-8 in field 2 at byte 2; first field \"3\"\n"
		    "t: @/bad.csv:6: ragged row: 1 fields where the header has 2; first field "
		    "\"" A39 "...\"\n");
	assert_int_equal(r.status, EU_EXIT_BADREC);
	free(got);
	free(want);
	run_free(&r);

	/* One that came with an origin (from an earlier stage) keeps it. */
	char *q = put("bad2.csv", "id,title,origin\n7,T\xff,apps.xml:12\n8,U,\n");
	run(&f, &c, &q, 1, &r);
	got = rows_of(r.out, r.len);
	assert_string_equal(got, "[id][title][origin][reject_reason][n_title][verdict]\n"
				 "[][][apps.xml:12][invalid UTF-8 in field 2 at byte 2; first field \"7\"][][]\n"
				 "[8][U][][][1][ok:U]\n");
	free(got);
	run_free(&r);
	free(p);
	free(q);
}

static void test_driver_messages_capped(void **st)
{
	(void)st;
	char *p[2] = {
		put("m1.csv", "id,title\n1,X1\n2,ok\n3,X3\n4,X4\n5,X5\n"),
		put("m2.csv", "id,title\n6,X6\n7,X7\n8,X8\n"),
	};
	eu_filter f = t_filter();
	struct tctx c = {0};
	struct run r;

	/* Two per file, in input order; the rest counted once at the end. */
	eu_diag_max_per_file = 2;
	run(&f, &c, p, 2, &r);
	eu_diag_max_per_file = 100;
	assert_msgs(r.err,
		    "t: @/m1.csv:2: record 1: title starts with X (X1)\n"
		    "t: @/m1.csv:4: record 3: title starts with X (X3)\n"
		    "t: @/m2.csv:2: record 6: title starts with X (X6)\n"
		    "t: @/m2.csv:3: record 7: title starts with X (X7)\n"
		    "t: 3 more rejected records not shown\n");
	assert_int_equal(r.status, EU_EXIT_BADREC);
	/* Every record is still in the output, the hidden ones rejected. */
	char *got = rows_of(r.out, r.len);
	assert_non_null(strstr(got, "[8][X8][title starts with X (X8)]"));
	assert_non_null(strstr(got, "[5][X5][title starts with X (X5)]"));
	free(got);
	run_free(&r);

	/* 0 shows them all. */
	eu_diag_max_per_file = 0;
	run(&f, &c, p, 2, &r);
	eu_diag_max_per_file = 100;
	assert_null(strstr(r.err, "not shown"));
	size_t lines = 0;
	for (const char *q = r.err; *q; q++)
		lines += *q == '\n';
	assert_int_equal(lines, 7);
	run_free(&r);
	free(p[0]);
	free(p[1]);
}

static void test_driver_status(void **st)
{
	(void)st;
	char *good = put("s-good.csv", "id,title\n1,Alpha\n");
	char *rej = put("s-rej.csv", "id,title\n1,Xi\n");
	char *missing = path_of("s-missing.csv");
	eu_filter f = t_filter();
	struct tctx c = {0};
	struct run r;

	run(&f, &c, &good, 1, &r);
	assert_int_equal(r.status, EU_EXIT_OK);
	run_free(&r);

	run(&f, &c, &rej, 1, &r);
	assert_int_equal(r.status, EU_EXIT_BADREC);
	run_free(&r);

	/* The worst status wins: an unreadable input over a rejected record,
	 * and the readable input is still written. */
	char *two[2] = {missing, rej};
	run(&f, &c, two, 2, &r);
	assert_int_equal(r.status, EU_EXIT_INPUT);
	char *got = rows_of(r.out, r.len);
	char *want = in_dir("[id][title][reject_reason][origin][n_title][verdict]\n"
			    "[1][Xi][title starts with X (Xi)][@/s-rej.csv:2][][]\n");
	assert_string_equal(got, want);
	free(got);
	free(want);
	run_free(&r);

	/* Nothing readable: no header either, so the next stage fails too. */
	run(&f, &c, &missing, 1, &r);
	assert_int_equal(r.status, EU_EXIT_INPUT);
	assert_int_equal(r.len, 0);
	run_free(&r);

	/* prepare() can stop the run before any record, with its status. */
	c = (struct tctx){.prepare_rc = EU_EXIT_USAGE};
	run(&f, &c, &good, 1, &r);
	assert_int_equal(r.status, EU_EXIT_USAGE);
	assert_int_equal(r.len, 0);
	assert_int_equal(c.calls, 0);
	run_free(&r);

	unsigned j = eu_default_jobs();
	assert_true(j >= 1 && j <= 8);
	free(good);
	free(rej);
	free(missing);
}

/* ---- the thread pool ---- */

/* A process() that does real work on every record: an FNV-1a digest of
 * its title and summary and a count of the summary's words, and a
 * rejection when the digest is a multiple of 11.  Each worker has a
 * context of its own that counts its calls. */
struct pctx {
	struct pctx *parent;
	long title, summary;
	unsigned long calls;
	unsigned long made, freed, allow, worker_calls;
};

static int p_prepare(void *vctx, const eu_stream *s)
{
	struct pctx *c = vctx;
	c->title = eu_stream_col(s, "title");
	c->summary = eu_stream_col(s, "summary");
	return c->title < 0 || c->summary < 0 ? EU_EXIT_USAGE : 0;
}

static int p_process(void *vctx, const eu_rec *rec, eu_owned *out, eu_buf *reason)
{
	struct pctx *c = vctx;
	uint64_t h = 1469598103934665603ull;
	size_t words = 0;
	int in_word = 0;

	c->calls++;
	/* Values are NUL-terminated at their length, a column the record's
	 * file lacks too, whichever thread copied them. */
	for (size_t i = 0; i < rec->n; i++)
		if (strlen(rec->v[i]) != rec->len[i]) {
			eu_buf_printf(reason, "column %zu is not %zu bytes", i, rec->len[i]);
			return 1;
		}
	for (size_t i = 0; i < rec->len[c->title]; i++)
		h = (h ^ (unsigned char)rec->v[c->title][i]) * 1099511628211ull;
	for (size_t i = 0; i < rec->len[c->summary]; i++) {
		unsigned char ch = (unsigned char)rec->v[c->summary][i];
		h = (h ^ ch) * 1099511628211ull;
		int sp = ch == ' ' || ch == '\n';
		words += !sp && !in_word;
		in_word = !sp;
	}
	if (h % 11 == 0) {
		eu_buf_printf(reason, "digest %016llx is a multiple of 11", (unsigned long long)h);
		return 1;
	}
	eu_buf_printf(&out->val[0], "%016llx", (unsigned long long)h);
	eu_buf_printf(&out->val[1], "%zu", words);
	return 0;
}

static void *p_worker_new(void *vctx)
{
	struct pctx *c = vctx;
	if (c->made >= c->allow)
		return NULL;
	c->made++;
	struct pctx *w = calloc(1, sizeof *w);
	*w = (struct pctx){.parent = c, .title = c->title, .summary = c->summary};
	return w;
}

static void p_worker_free(void *vctx)
{
	struct pctx *w = vctx;
	w->parent->freed++;
	w->parent->worker_calls += w->calls;
	free(w);
}

static const char *const p_owned[] = {"digest", "words"};
static const unsigned char p_numeric[] = {0, 1};

static eu_filter p_filter(unsigned jobs)
{
	return (eu_filter){.owned = p_owned, .nowned = 2, .owned_numeric = p_numeric,
			   .prepare = p_prepare, .process = p_process,
			   .worker_new = p_worker_new, .worker_free = p_worker_free, .jobs = jobs};
}

static const char *const WORDS[] = {
	"kommune", "robot", "klima", "Odense", "partnerskab", "ældre", "trivsel", "green",
	"harbour", "skole", "data", "Fyn", "innovation", "borgere", "energi", "vand",
};

static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

static void words_to(eu_buf *b, uint32_t *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		eu_buf_printf(b, "%s%s", i ? " " : "", WORDS[lcg(x) % 16]);
}

/* Records made to fill many batches: pool.c cuts a batch at 1,024 records
 * (BATCH_RECS) or 256 KiB (BATCH_BYTES).  big.csv has 6,000 short records;
 * wide.csv 700 of about 2 KB (1.4 MB), with a column of its own and
 * without reject_reason.  Both have rows the reader cannot trust (ragged,
 * invalid UTF-8), multi-line fields and, in big.csv, upstream rejections. */
static unsigned long n_big, n_big_bad, n_upstream, n_wide, n_wide_bad;

static void make_inputs(char **big, char **wide)
{
	eu_buf b = EU_BUF_INIT;
	uint32_t x = 20251127;

	n_big = n_big_bad = n_upstream = n_wide = n_wide_bad = 0;
	eu_buf_adds(&b, "id,title,summary,reject_reason,origin\n");
	for (unsigned i = 0; i < 6000; i++, n_big++) {
		if (i % 97 == 11) {
			eu_buf_printf(&b, "B%05u,ragged\n", i);
			n_big_bad++;
			continue;
		}
		eu_buf_printf(&b, "B%05u,", i);
		words_to(&b, &x, 2 + lcg(&x) % 3);
		if (i % 101 == 13) {
			eu_buf_adds(&b, " \xff");
			n_big_bad++;
		}
		eu_buf_adds(&b, ",\"");
		words_to(&b, &x, 5 + lcg(&x) % 20);
		if (i % 53 == 7)
			eu_buf_adds(&b, "\nsecond line, with \"\"quotes\"\"");
		eu_buf_adds(&b, "\",");
		if (i % 89 == 5 && i % 97 != 11 && i % 101 != 13) {
			eu_buf_printf(&b, "upstream said no to %u,up.xml:%u\n", i, i + 1);
			n_upstream++;
		} else {
			eu_buf_adds(&b, ",\n");
		}
	}
	*big = put_file("big.csv", b.p, b.len);
	eu_buf_clear(&b);
	eu_buf_adds(&b, "title,id,extra,summary\n");
	for (unsigned i = 0; i < 700; i++, n_wide++) {
		words_to(&b, &x, 3);
		eu_buf_printf(&b, ",W%04u,e%u,\"", i, i % 7);
		words_to(&b, &x, 200 + lcg(&x) % 100);
		eu_buf_adds(&b, "\"");
		if (i % 61 == 30) {
			eu_buf_adds(&b, ",surplus");
			n_wide_bad++;
		}
		eu_buf_addc(&b, '\n');
	}
	assert_true(b.len > 4 * 256 * 1024);
	*wide = put_file("wide.csv", b.p, b.len);
	eu_buf_free(&b);
}

static unsigned long count_char(const char *s, size_t n, char c)
{
	unsigned long k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

static void assert_same_run(const struct run *a, const struct run *b, unsigned jobs)
{
	if (a->len != b->len || memcmp(a->out, b->out, a->len) != 0)
		fail_msg("jobs %u: output differs from one thread's (%zu bytes against %zu)", jobs, b->len,
			 a->len);
	if (strcmp(a->err, b->err) != 0)
		fail_msg("jobs %u: messages differ from one thread's", jobs);
	assert_int_equal(a->status, b->status);
}

static void test_pool_same_as_one_thread(void **st)
{
	(void)st;
	char *in[3];
	make_inputs(&in[0], &in[1]);
	in[2] = in[0];             /* the same file again: its messages count anew */
	unsigned long records = 2 * n_big + n_wide, bad = 2 * n_big_bad + n_wide_bad, up = 2 * n_upstream;
	struct run one, r;
	struct pctx c = {0};
	eu_filter f = p_filter(1);

	run(&f, &c, in, 3, &one);
	/* One thread's run is right to begin with: every record out, each
	 * good one judged once, bad and upstream-rejected ones not at all. */
	eu_reader *rd = eu_reader_mem(one.out, one.len, "out", NULL);
	const eu_row *h = eu_reader_header(rd);
	assert_non_null(h);
	assert_int_equal(h->n, 8);
	assert_string_equal(h->f[5], "extra");
	assert_string_equal(h->f[6], "digest");
	eu_row row;
	unsigned long nout = 0, nrej = 0;
	while (eu_reader_next(rd, &row) == 1) {
		assert_null(row.bad);
		nout++;
		nrej += row.len[3] > 0;
	}
	eu_reader_close(rd);
	assert_int_equal(nout, records);
	assert_int_equal(c.calls, records - bad - up);
	assert_true(nrej > bad + up);          /* and process() rejected some */
	assert_int_equal(c.made, 0);
	assert_int_equal(one.status, EU_EXIT_BADREC);
	/* Every rejection but the upstream ones is a message or counted as
	 * hidden: big.csv has more than 100 each time it is read. */
	const char *more;
	unsigned long hidden, shown = count_char(one.err, strlen(one.err), '\n') - 1;
	more = strstr(one.err, " more rejected records not shown\n");
	assert_non_null(more);
	while (more > one.err && more[-1] != ' ')
		more--;
	hidden = strtoul(more, NULL, 10);
	assert_true(hidden > 0);
	assert_int_equal(shown + hidden, nrej - up);

	unsigned long by_workers = 0;
	static const unsigned jobs[] = {2, 3, 8};
	for (size_t k = 0; k < 3; k++) {
		c = (struct pctx){.allow = 64};
		f = p_filter(jobs[k]);
		run(&f, &c, in, 3, &r);
		assert_same_run(&one, &r, jobs[k]);
		/* jobs - 1 workers beside the reading thread, all released, and
		 * between them every good record judged exactly once. */
		assert_int_equal(c.made, jobs[k] - 1);
		assert_int_equal(c.freed, jobs[k] - 1);
		assert_int_equal(c.calls + c.worker_calls, records - bad - up);
		by_workers += c.worker_calls;
		run_free(&r);
	}
	/* Over three runs of some 17 batches each the workers took some. */
	assert_true(by_workers > 0);

	/* No worker can be made: the reading thread does it all, the same. */
	c = (struct pctx){.allow = 0};
	f = p_filter(4);
	run(&f, &c, in, 3, &r);
	assert_same_run(&one, &r, 4);
	assert_int_equal(c.made, 0);
	assert_int_equal(c.calls, records - bad - up);
	run_free(&r);

	/* Only one of seven could be made: it runs with that one. */
	c = (struct pctx){.allow = 1};
	f = p_filter(8);
	run(&f, &c, in, 3, &r);
	assert_same_run(&one, &r, 8);
	assert_int_equal(c.made, 1);
	assert_int_equal(c.freed, 1);
	assert_int_equal(c.calls + c.worker_calls, records - bad - up);
	run_free(&r);

	run_free(&one);
	free(in[0]);
	free(in[1]);
}

static void test_pool_write_error(void **st)
{
	(void)st;
	char *in[2];
	make_inputs(&in[0], &in[1]);
	struct pctx c = {0};
	eu_filter f = p_filter(1);
	struct run full;

	run(&f, &c, in, 2, &full);
	static const unsigned jobs[] = {1, 2, 8};
	for (size_t k = 0; k < 3; k++) {
		eu_writer *w = eu_writer_open("/dev/full", NULL);
		assert_non_null(w);
		c = (struct pctx){.allow = 64};
		f = p_filter(jobs[k]);
		capture();
		int status = eu_filter_run(&f, &c, in, 2, w);
		assert_true(eu_writer_error(w) != 0);
		/* Today's status: the run's own (rejections seen before the
		 * stop), then 4 with the write error when the output is closed. */
		assert_int_equal(status, EU_EXIT_BADREC);
		assert_int_equal(eu_cli_finish(w, status), EU_EXIT_OUTPUT);
		char *err = captured();
		const char *we = strstr(err, "t: write error on /dev/full: No space left on device\n");
		assert_non_null(we);
		if (strstr(we + strlen("t: write error"), "write error"))
			fail_msg("jobs %u: a second write error: %s", jobs[k], we);
		/* It stopped: the messages before it are the start of a full
		 * run's, and fewer (with the count of those not shown, as at the
		 * end of any run, when the part written had more). */
		size_t before = (size_t)(we - err);
		const char *tail = before ? err + before - 1 : err;
		while (tail > err && tail[-1] != '\n')
			tail--;
		if (strstr(tail, " more rejected records not shown\n") && tail < we)
			before = (size_t)(tail - err);
		assert_true(before > 0 && before < strlen(full.err));
		if (memcmp(err, full.err, before) != 0)
			fail_msg("jobs %u: the messages before the write error are not a full run's", jobs[k]);
		/* The first batch written fails; wide.csv starts in the sixth. */
		if (strstr(err, "wide.csv"))
			fail_msg("jobs %u: went on after the write error", jobs[k]);
		if (jobs[k] == 2)          /* a ring of 4 of the run's 11 or so */
			assert_true(c.calls + c.worker_calls < n_big);
		if (jobs[k] == 1)
			assert_true(c.calls < n_big / 2);
		free(err);
	}
	run_free(&full);
	free(in[0]);
	free(in[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_union),
		cmocka_unit_test(test_stream_skips_bad_inputs),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_driver_rejected_record),
		cmocka_unit_test(test_driver_upstream_rejected),
		cmocka_unit_test(test_driver_unreadable_row),
		cmocka_unit_test(test_driver_messages_capped),
		cmocka_unit_test(test_driver_status),
		cmocka_unit_test(test_pool_same_as_one_thread),
		cmocka_unit_test(test_pool_write_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
