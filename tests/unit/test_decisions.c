/* Unit tests for the coordinator's decisions in euprio-rank
 * (src/stages/rank/staff.c, memory.c) with the shipped policy: the
 * table's dialects and faults, decline held and brought back by each
 * material change (scoring.csv's decline.* thresholds, at and just under
 * them), the memory across runs, an edited row, an expired date, pursue
 * pinned and still gated, watch marked, and a whole run's order, columns
 * and warnings. */
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

#include "euprio/core/diag.h"
#include "euprio/core/values.h"
#include "euprio/core/words.h"
#include "euprio/core/writer.h"
#include "euprio/stages/rank.h"
#include "euprio/stream/listcol.h"

static const char *cols[] = {
	"id", "status", "deadline", "title", "summary", "goals", "goal_count", "goal_strength",
	"goal_evidence", "local_count", "local_tier", "local_types", "local_partners", "partners",
	"odense_role", "eu_grant_eur", "own_cost_eur",
};
#define NC (sizeof cols / sizeof *cols)

static char dir[] = "/tmp/euprio-test-decisions-XXXXXX";
static char said[16384];
static long today;
static eu_stream S;

static int setup(void **s)
{
	(void)s;
	memset(said, 0, sizeof said);
	eu_diag = fmemopen(said, sizeof said - 1, "w");
	eu_set_progname("test");
	today = eu_parse_date("2025-03-01");
	memset(&S, 0, sizeof S);
	for (size_t i = 0; i < NC; i++)
		eu_stream_add_col(&S, cols[i]);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	fclose(eu_diag);
	eu_diag = NULL;
	eu_stream_close(&S);
	return 0;
}

static const char *diag(void)
{
	fflush(eu_diag);
	return said;
}

static int group_setup(void **s)
{
	(void)s;
	return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **s)
{
	(void)s;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* dir/name with the bytes given. */
static const char *file(const char *name, const char *text)
{
	static char path[8][256];
	static int k;
	char *p = path[k++ % 8];
	snprintf(p, 256, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static const char *path_of(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* A good candidate, as the stages before rank leave it. */
struct rec {
	const char *v[NC];
	size_t len[NC];
	eu_rec r;
};

static void set(struct rec *x, const char *name, const char *val)
{
	for (size_t i = 0; i < NC; i++)
		if (!strcmp(cols[i], name)) {
			x->v[i] = val;
			x->len[i] = strlen(val);
			return;
		}
	fail_msg("no column %s", name);
}

static struct rec *base(const char *id)
{
	static struct rec x;
	for (size_t i = 0; i < NC; i++) {
		x.v[i] = "";
		x.len[i] = 0;
	}
	set(&x, "id", id);
	set(&x, "status", "draft");
	set(&x, "deadline", "2025-04-22");
	set(&x, "title", "Robots in the harbour");
	set(&x, "goals", "G9");
	set(&x, "goal_count", "1");
	set(&x, "goal_strength", "G9:1");
	set(&x, "goal_evidence", "G9: robots (title)");
	set(&x, "local_count", "1");
	set(&x, "local_tier", "odense");
	set(&x, "local_types", "research");
	set(&x, "local_partners", "Syddansk Universitet");
	set(&x, "partners", "SDU\t\tresearch\tpartner\t5230\tOdense M\tDK");
	set(&x, "odense_role", "partner");
	set(&x, "eu_grant_eur", "1000000");
	set(&x, "own_cost_eur", "100000");
	x.r.n = NC;
	x.r.v = x.v;
	x.r.len = x.len;
	x.r.file = "t.csv";
	x.r.line = 2;
	return &x;
}

static eu_rank *load(const char *config, const char *table, const char *memory, long day)
{
	eu_rank *R = eu_rank_load(config ? config : SRCDIR "/config", EU_LANG_EN);
	assert_non_null(R);
	if (table && eu_rank_decisions(R, table, memory, day) < 0) {
		eu_rank_free(R);
		return NULL;
	}
	eu_rank_bind(R, &S);
	return R;
}

static int has_flag(const eu_rank_out *o, const char *flag)
{
	return eu_list_has(o->flags.p ? o->flags.p : "", o->flags.len, flag, strlen(flag));
}

/* Every fault is told at its file:line, and the whole table is refused:
 * nothing is ranked with a table that could undo a decision. */
static void test_table_faults(void **s)
{
	(void)s;
	const char *t = file("faults.csv", "id,decision,until,note,by\n"
				"A-1,decline,,not ours,AB\n"
				"A-2,declne,,typo,AB\n"
				"A-3,watch,31-02-2025,,AB\n"
				"A-1,pursue,,again,CD\n"
				",decline,,no id,AB\n");
	assert_null(load(NULL, t, NULL, today));
	assert_non_null(strstr(diag(), "faults.csv:3:2: unknown decision 'declne' for 'A-2' (pursue, decline or watch)"));
	assert_non_null(strstr(diag(), "faults.csv:4:3: until '31-02-2025' for 'A-3' is not a date"));
	assert_non_null(strstr(diag(), "faults.csv:5: 'A-1' is decided again (first at line 2)"));
	assert_non_null(strstr(diag(), "faults.csv:6:1: a decision without an id"));
	assert_non_null(strstr(diag(), "nothing was ranked"));
	/* A table without the decision column is refused at its header. */
	t = file("nodecision.csv", "id,note\nA-1,x\n");
	assert_null(load(NULL, t, NULL, today));
	assert_non_null(strstr(diag(), "nodecision.csv:1: missing column 'decision'"));
	/* A column rank does not know is a typo, not a date ignored; staff
	 * may keep the title and notes for themselves. */
	t = file("typo.csv", "id,decision,untill,title,note,comment\nA-1,decline,2025-06-01,Robots,,\n");
	assert_null(load(NULL, t, NULL, today));
	assert_non_null(strstr(diag(), "typo.csv:1:3: unknown column 'untill' (did you mean 'until'?)"));
	t = file("own.csv", "id,decision,title,comment\nA-1,decline,Robots,mine\n");
	eu_rank *R = load(NULL, t, NULL, today);
	assert_non_null(R);
	eu_rank_free(R);
	/* A missing table too. */
	assert_null(load(NULL, path_of("none.csv"), NULL, today));
	assert_non_null(strstr(diag(), "cannot open decisions table"));
}

/* The dialects the listings reader takes: ';' with Windows-1252 (Danish
 * Excel's "CSV (semikolonsepareret)"), a BOM'd UTF-8 with CRLF and a
 * header in capitals; a capitalised word and a Danish date. */
static void test_table_dialects(void **s)
{
	(void)s;
	const char *tables[] = {
		file("cp1252.csv", "ID;Decision;Until;Note;By\r\nA-1;Decline;01-04-2025;Ikke vores omr\xe5" "de;\xc6" "B\r\n"),
		file("bom.csv", "\xef\xbb\xbf" "id,decision,until,note,by\r\nA-1,decline,2025-04-01,Ikke vores omr\xc3\xa5" "de,\xc3\x86" "B\r\n"),
	};
	for (size_t i = 0; i < 2; i++) {
		eu_rank *R = load(NULL, tables[i], NULL, today);
		assert_non_null(R);
		eu_rank_out o = {0};
		eu_rank_eval(R, &base("A-1")->r, today, &o);
		assert_int_equal(o.decision, EU_DEC_REJECT);
		assert_string_equal(o.reject_code, "DECLINED");
		assert_string_equal(o.reject_reason.p, "Ikke vores omr\xc3\xa5" "de");   /* the note is the reason */
		assert_int_equal(o.staff, EU_STAFF_DECLINE);
		assert_string_equal(o.staff_by, "\xc3\x86" "B");
		assert_string_equal(o.staff_until, "2025-04-01");
		eu_rank_out_free(&o);
		eu_rank_free(R);
	}
}

/* An empty note still gives a sentence; the decline comes after the data
 * gates (a record no stage could read is BAD_INPUT) and before the
 * policy's (a declined record with a passed deadline is DECLINED). */
static void test_decline_order_and_empty_note(void **s)
{
	(void)s;
	const char *t = file("order.csv", "id,decision\nA-1,decline\n");
	eu_rank *R = load(NULL, t, NULL, today);
	eu_rank_out o = {0};
	struct rec *x = base("A-1");
	set(x, "deadline", "2025-01-01");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DECLINED");
	assert_string_equal(o.reject_reason.p, "Declined by staff");
	set(x, "goal_count", "");            /* euprio-goals never saw it */
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "BAD_INPUT");
	eu_rank_out_free(&o);
	eu_rank_free(R);
}

/* The record as declined, then each material change against the memory:
 * at the threshold it is back, just under it it is not. */
static void test_decline_brought_back(void **s)
{
	(void)s;
	const char *t = file("back.csv", "id,decision,note,by\nA-1,decline,not ours,AB\n");
	const char *mem = file("back-memory.csv",
			       "# a comment staff may read\n"
			       "id,declined_on,until,note,by,title,deadline,local_partners,eu_grant_eur,own_cost_eur\n"
			       "A-1,2025-02-01,,not ours,AB,Robots,2025-04-22,Syddansk Universitet,1000000,100000\n");
	eu_rank *R = load(NULL, t, mem, today);
	assert_non_null(R);
	eu_rank_out o = {0};
	static const struct {
		const char *col, *val;
		const char *flag;         /* NULL: still declined */
	} cases[] = {
		{"eu_grant_eur", "1000000", NULL},
		{"eu_grant_eur", "1190000", NULL},
		{"eu_grant_eur", "1200000", "SINCE_DECLINE_GRANT"},
		{"eu_grant_eur", "800000", "SINCE_DECLINE_GRANT"},
		{"eu_grant_eur", "810000", NULL},
		{"eu_grant_eur", "", NULL},                 /* a grant no longer given is not news */
		{"own_cost_eur", "120000", "SINCE_DECLINE_OWN_COST"},
		{"own_cost_eur", "119999", NULL},
		{"own_cost_eur", "80000", "SINCE_DECLINE_OWN_COST"},
		{"deadline", "2025-06-15", "SINCE_DECLINE_DEADLINE"},
		{"deadline", "22-04-2025", NULL},           /* the same date, written otherwise */
		{"deadline", "", NULL},                     /* a deadline that vanished is not new */
		{"local_partners", "Syddansk Universitet; Odense Letbane", "SINCE_DECLINE_LOCAL"},
		{"local_partners", "", NULL},               /* losing one brings nothing back */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rec *x = base("A-1");
		set(x, cases[i].col, cases[i].val);
		eu_rank_eval(R, &x->r, today, &o);
		if (!cases[i].flag) {
			if (o.decision != EU_DEC_REJECT || strcmp(o.reject_code, "DECLINED"))
				fail_msg("%s=%s: not held (%s)", cases[i].col, cases[i].val, o.flags.p);
			assert_int_equal(o.back, 0);
			continue;
		}
		if (o.decision == EU_DEC_REJECT)
			fail_msg("%s=%s: still declined", cases[i].col, cases[i].val);
		if (!has_flag(&o, cases[i].flag))
			fail_msg("%s=%s: flags %s, expected %s", cases[i].col, cases[i].val, o.flags.p, cases[i].flag);
		assert_non_null(strstr(o.since.p, "declined on 2025-02-01, since then: "));
		assert_int_equal(o.staff, EU_STAFF_DECLINE);   /* staff see what they had said */
	}
	/* Two changes at once are both told. */
	struct rec *x = base("A-1");
	set(x, "deadline", "2025-06-15");
	set(x, "local_partners", "Syddansk Universitet; Odense Letbane");
	eu_rank_eval(R, &x->r, today, &o);
	assert_true(has_flag(&o, "SINCE_DECLINE_DEADLINE") && has_flag(&o, "SINCE_DECLINE_LOCAL"));
	assert_string_equal(o.since.p, "declined on 2025-02-01, since then: new deadline 2025-06-15 (was "
			    "2025-04-22); new local partner Odense Letbane");
	eu_rank_out_free(&o);
	eu_rank_free(R);
}

/* The thresholds are scoring.csv's: at 50 % a 25 % rise is no news, and a
 * rule switched off brings nothing back. */
static void test_thresholds_from_config(void **s)
{
	(void)s;
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/cfg && cp %s/config/*.csv %s/cfg/ && sed -i "
		 "-e 's/^decline.eu_grant_change_pct,20,/decline.eu_grant_change_pct,50,/' "
		 "-e 's/^decline.new_deadline,1,/decline.new_deadline,0,/' %s/cfg/scoring.csv",
		 dir, SRCDIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	char cfg[300];
	snprintf(cfg, sizeof cfg, "%s/cfg", dir);
	const char *t = file("thr.csv", "id,decision\nA-1,decline\n");
	const char *mem = file("thr-memory.csv",
			       "id,declined_on,until,note,by,title,deadline,local_partners,eu_grant_eur,own_cost_eur\n"
			       "A-1,2025-02-01,,,,Robots,2025-04-22,Syddansk Universitet,1000000,100000\n");
	eu_rank *R = load(cfg, t, mem, today);
	assert_non_null(R);
	eu_rank_out o = {0};
	struct rec *x = base("A-1");
	set(x, "eu_grant_eur", "1250000");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DECLINED");
	set(x, "eu_grant_eur", "1500000");
	eu_rank_eval(R, &x->r, today, &o);
	assert_true(has_flag(&o, "SINCE_DECLINE_GRANT"));
	x = base("A-1");
	set(x, "deadline", "2025-09-01");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DECLINED");
	eu_rank_out_free(&o);
	eu_rank_free(R);
}

/* A run remembers the record as it was the first night; the memory is
 * what the next run compares with, however many nights later, and a
 * small change a night adds up.  An edited row is a new decline. */
static void test_memory_across_runs(void **s)
{
	(void)s;
	const char *t = file("runs.csv", "id,decision,note,by\nA-1,decline,not ours,AB\nB-1,decline,later,AB\n");
	char memp[256];
	snprintf(memp, sizeof memp, "%s", path_of("runs-memory.csv"));
	const char *mem = memp;
	unlink(mem);
	static const char *const grants[] = {"1000000", "1100000", "1190000", "1210000"};
	for (int night = 0; night < 4; night++) {
		long day = today + night * 3;
		eu_rank *R = load(NULL, t, mem, day);
		assert_non_null(R);
		char in[1024];
		snprintf(in, sizeof in,
			 "id,status,deadline,title,goals,goal_count,goal_strength,goal_evidence,local_count,"
			 "local_tier,local_types,local_partners,partners,eu_grant_eur,own_cost_eur\n"
			 "A-1,draft,2025-09-01,Robots,G9,1,G9:1,G9: robots (title),1,odense,research,"
			 "Syddansk Universitet,\"SDU\t\tresearch\tpartner\t5230\tOdense M\tDK\",%s,100000\n",
			 grants[night]);
		char *paths[] = {(char *)file("runs-in.csv", in)};
		eu_writer *rej = eu_writer_open(path_of("runs-rej.csv"), NULL);
		eu_writer *w = eu_writer_open(path_of("runs-cand.csv"), NULL);
		eu_rank_run_opts ro = {.today = day};
		assert_true(eu_rank_run(R, &ro, paths, 1, rej, w) <= EU_EXIT_BADREC);
		eu_writer_close(rej);
		eu_writer_close(w);
		eu_rank_free(R);
		struct stat st;
		assert_int_equal(stat(mem, &st), 0);
		assert_int_equal(st.st_mode & 0007, 0);        /* it names the staff */
		FILE *f = fopen(mem, "r");
		char buf[2048] = "";
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = 0;
		fclose(f);
		/* Always the first night's grant, and B-1 (no record) not yet. */
		if (!strstr(buf, "A-1,2025-03-01,,not ours"))
			fail_msg("night %d: %s", night, buf);
		assert_non_null(strstr(buf, "A-1,2025-03-01,,not ours,AB,Robots,2025-09-01,Syddansk Universitet,1000000,100000"));
		assert_null(strstr(buf, "B-1"));
		f = fopen(path_of("runs-cand.csv"), "r");
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = 0;
		fclose(f);
		if (night < 3)
			assert_null(strstr(buf, "A-1"));
		else
			assert_non_null(strstr(buf, "SINCE_DECLINE_GRANT"));
	}
	assert_non_null(strstr(diag(), "no decline memory yet"));
	assert_non_null(strstr(diag(), "runs.csv:3: 'B-1' (decline) matches no record in this run"));

	/* The row edited (a new note): a new decline, of the record as it is
	 * now, so the grown grant holds it out again. */
	t = file("runs.csv", "id,decision,note,by\nA-1,decline,still not ours,AB\n");
	eu_rank *R = load(NULL, t, mem, today + 20);
	eu_rank_out o = {0};
	struct rec *x = base("A-1");
	set(x, "eu_grant_eur", "1210000");
	eu_rank_eval(R, &x->r, today + 20, &o);
	assert_string_equal(o.reject_code, "DECLINED");
	assert_string_equal(o.reject_reason.p, "still not ours");
	eu_rank_out_free(&o);
	eu_rank_free(R);

	/* A memory a person broke is refused with where, and what to do. */
	mem = file("broken-memory.csv",
		   "id,declined_on,until,note,by,title,deadline,local_partners,eu_grant_eur,own_cost_eur\n"
		   "A-1,yesterday,,,,,,,,\n");
	assert_null(load(NULL, t, mem, today));
	assert_non_null(strstr(diag(), "broken-memory.csv:2:2: 'yesterday' is not a date"));
	assert_non_null(strstr(diag(), "delete the file to start afresh"));
}

/* until is the last day a decision holds: the day after, a decline lets
 * the record back (DECLINE_EXPIRED, told at the row), a pursue or a watch
 * no longer marks it. */
static void test_until(void **s)
{
	(void)s;
	const char *t = file("until.csv", "id,decision,until,note\nA-1,decline,2025-03-01,wait\n"
				"B-1,pursue,2025-02-28,\nC-1,watch,2025-02-28,\n");
	eu_rank *R = load(NULL, t, NULL, today);
	eu_rank_out o = {0};
	eu_rank_eval(R, &base("A-1")->r, today, &o);
	assert_string_equal(o.reject_code, "DECLINED");      /* the last day */
	eu_rank_eval(R, &base("B-1")->r, today, &o);
	assert_false(has_flag(&o, "STAFF_PURSUE"));
	eu_rank_eval(R, &base("C-1")->r, today, &o);
	assert_false(has_flag(&o, "STAFF_WATCH"));
	assert_non_null(strstr(diag(), "until.csv:3: pursue 'B-1' was until 2025-02-28, which has passed: it is no longer pinned"));
	assert_non_null(strstr(diag(), "until.csv:4: watch 'C-1' was until 2025-02-28"));
	eu_rank_free(R);

	R = load(NULL, t, NULL, today + 1);
	eu_rank_eval(R, &base("A-1")->r, today + 1, &o);
	assert_int_not_equal(o.decision, EU_DEC_REJECT);
	assert_true(has_flag(&o, "DECLINE_EXPIRED"));
	assert_string_equal(o.since.p, "declined until 2025-03-01, which has passed");
	assert_non_null(strstr(diag(), "until.csv:2: decline 'A-1' was until 2025-03-01, which has passed: it is "
			       "among the candidates again (DECLINE_EXPIRED)"));
	eu_rank_out_free(&o);
	eu_rank_free(R);
}

/* pursue: flagged; a gate still rejects it and says staff pursue it. */
static void test_pursue_and_watch(void **s)
{
	(void)s;
	const char *t = file("pw.csv", "id,decision,note\nA-1,pursue,go\nC-1,watch,budget?\n");
	eu_rank *R = load(NULL, t, NULL, today);
	eu_rank_out o = {0};
	struct rec *x = base("A-1");
	eu_rank_eval(R, &x->r, today, &o);
	assert_true(has_flag(&o, "STAFF_PURSUE"));
	assert_false(has_flag(&o, "STAFF_WATCH"));
	set(x, "deadline", "2025-02-01");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_code, "DEADLINE_PASSED");
	assert_string_equal(o.reject_reason.p, "The deadline 2025-02-01 has passed, though staff pursue it");
	x = base("A-1");
	set(x, "status", "closed");
	eu_rank_eval(R, &x->r, today, &o);
	assert_string_equal(o.reject_reason.p, "Status 'closed': no longer a candidate, though staff pursue it");
	eu_rank_eval(R, &base("C-1")->r, today, &o);
	assert_true(has_flag(&o, "STAFF_WATCH"));
	assert_string_equal(o.staff_note, "budget?");
	eu_rank_eval(R, &base("Z-9")->r, today, &o);
	assert_int_equal(o.staff, -1);
	eu_rank_out_free(&o);
	eu_rank_free(R);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* A whole run: a pursued record leads its decision group though it
 * scores less; the staff columns follow rank's decision; the rejects
 * carry them too; a run without a table writes what it always wrote. */
static void test_run_order_and_columns(void **s)
{
	(void)s;
	const char *in = file("run-in.csv",
			      "id,status,deadline,title,goals,goal_count,goal_strength,goal_evidence,local_count,"
			      "local_tier,local_types,local_partners,partners,eu_grant_eur,own_cost_eur\n"
			      "HI,draft,2025-09-01,High,G9,1,G9:3,G9: robots (title),2,odense,research;business,"
			      "A; B,,1000000,100000\n"
			      "LO,draft,2025-09-01,Low,G9,1,G9:1,G9: robots (title),1,odense,research,A,,1000000,100000\n"
			      "NO,draft,2025-09-01,Declined,G9,1,G9:1,G9: robots (title),1,odense,research,A,,1000000,100000\n");
	const char *t = file("run.csv", "id,decision,note,by\nLO,pursue,we go,AB\nNO,decline,=not ours,AB\n");
	char *paths[] = {(char *)in};
	for (int staffed = 0; staffed <= 1; staffed++) {
		eu_rank *R = load(NULL, staffed ? t : NULL, NULL, today);
		eu_writer *rej = eu_writer_open(path_of("run-rej.csv"), &(eu_writer_opts){.excel_safe = 1});
		eu_writer *w = eu_writer_open(path_of("run-cand.csv"), &(eu_writer_opts){.excel_safe = 1});
		eu_rank_run_opts ro = {.today = today};
		assert_true(eu_rank_run(R, &ro, paths, 1, rej, w) <= EU_EXIT_BADREC);
		eu_writer_close(rej);
		eu_writer_close(w);
		eu_rank_free(R);
		char *c = slurp(path_of("run-cand.csv"));
		if (!staffed) {
			assert_non_null(strstr(c, "rank,decision,score,title,"));
			assert_null(strstr(c, "staff_"));
			char *one = strstr(c, "\n1,"), *hi = strstr(c, ",HI,");
			assert_true(one && hi && hi > one && hi < strstr(c, "\n2,"));
			continue;
		}
		assert_non_null(strstr(c, "rank,decision,staff_decision,staff_note,staff_by,staff_until,since_declined,score,"));
		char *one = strstr(c, "\n1,"), *two = strstr(c, "\n2,");
		assert_non_null(one);
		assert_non_null(two);
		assert_true(strstr(one, ",LO,") < two);            /* pursued first */
		assert_non_null(strstr(one, "1,consider,pursue,we go,AB,,,"));
		assert_non_null(strstr(one, "STAFF_PURSUE"));
		char *r = slurp(path_of("run-rej.csv"));
		assert_non_null(strstr(r, ",staff_decision,staff_note,staff_by,staff_until,since_declined\n"));
		/* The note is the reason, escaped as any cell that would start a
		 * formula. */
		assert_non_null(strstr(r, "DECLINED,'=not ours,NO,"));
		assert_non_null(strstr(r, ",decline,'=not ours,AB,,\n"));
		struct stat st;
		assert_int_equal(stat(path_of("run-rej.csv"), &st), 0);
		assert_int_equal(st.st_mode & 0007, 0);
		assert_int_equal(stat(path_of("run-cand.csv"), &st), 0);
		assert_int_equal(st.st_mode & 0007, 0);
	}
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A stream that already has staff columns (rank's own --all-columns
 * output ranked again) gets tonight's, once, in both outputs. */
static void test_rerank_staff_columns_once(void **s)
{
	(void)s;
	const char *in = file("again-in.csv",
			      "id,status,deadline,title,goals,goal_count,goal_strength,goal_evidence,local_count,"
			      "local_tier,local_types,local_partners,partners,eu_grant_eur,own_cost_eur,staff_decision,staff_note\n"
			      "LO,draft,2025-09-01,Low,G9,1,G9:1,G9: robots (title),1,odense,research,A,,1000000,100000,watch,old\n"
			      "NO,draft,2025-09-01,No,G9,1,G9:1,G9: robots (title),1,odense,research,A,,1000000,100000,pursue,old\n");
	const char *t = file("again.csv", "id,decision,note\nLO,pursue,new\nNO,decline,new\n");
	char *paths[] = {(char *)in};
	eu_rank *R = load(NULL, t, NULL, today);
	eu_writer *rej = eu_writer_open(path_of("again-rej.csv"), NULL);
	eu_writer *w = eu_writer_open(path_of("again-cand.csv"), NULL);
	eu_rank_run_opts ro = {.today = today, .all_columns = 1};
	assert_true(eu_rank_run(R, &ro, paths, 1, rej, w) <= EU_EXIT_BADREC);
	eu_writer_close(rej);
	eu_writer_close(w);
	eu_rank_free(R);
	char *c = slurp(path_of("again-cand.csv"));
	assert_int_equal(count(c, "staff_decision"), 1);
	assert_non_null(strstr(c, ",pursue,new,"));
	assert_null(strstr(c, "old"));
	c = slurp(path_of("again-rej.csv"));
	assert_int_equal(count(c, "staff_decision"), 1);
	assert_non_null(strstr(c, ",decline,new,"));
	assert_null(strstr(c, "old"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_dialects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline_order_and_empty_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline_brought_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thresholds_from_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_across_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_until, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pursue_and_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_order_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rerank_staff_columns_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
