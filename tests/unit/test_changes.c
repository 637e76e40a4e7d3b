/* Unit tests for euprio-changes (src/stages/changes/): the changes of
 * flags and partners that matter, every dialect euprio-rank writes, "-" as
 * standard input, and an OLD that cannot be read refused, not read as
 * empty. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "euprio/core/buf.h"
#include "euprio/core/diag.h"
#include "euprio/core/writer.h"
#include "euprio/stages/changes.h"

static char dir[] = "/tmp/euprio-test-changes.XXXXXX";

static int setup(void **s)
{
	(void)s;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **s)
{
	(void)s;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static const char *put(const char *name, const char *text)
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

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Runs the comparison; *out the changes, *said what it told. */
static int changes_rej(const char *old, const char *new, const char *rej, char **out, char **said)
{
	char path[300];
	size_t sl = 0;
	snprintf(path, sizeof path, "%s/changes.csv", dir);
	eu_writer *w = eu_writer_open(path, &(eu_writer_opts){.excel_safe = 1});
	eu_diag = open_memstream(said, &sl);
	int st = eu_changes_run(old, new, rej, w);
	fclose(eu_diag);
	eu_diag = NULL;
	eu_writer_close(w);
	*out = slurp(path);
	return st;
}

static int changes(const char *old, const char *new, char **out, char **said)
{
	return changes_rej(old, new, NULL, out, said);
}

#define HEADER "change,id,title,old_decision,new_decision,old_score,new_score,old_rank,new_rank,old_value,new_value,detail\n"

/* euprio-rank's default columns people read (a few of them). */
static const char *last_night =
	"rank,decision,score,title,deadline,days_left,local_tier,local_partners,flags,value_ratio,id\n"
	"1,prioritise,73.3,Robotics for Healthy Ageing,2025-04-22,52,odense,Syddansk Universitet,SDEO_LISTED,9.38,AHF-2025-003\n"
	"2,prioritise,65.3,Robotter som jobskabere,2025-05-14,74,odense,Syddansk Erhvervsskole; Universal Robots,,2.59,BSF-2025-014\n"
	"3,consider,45.3,Cirkulær byggeri,2025-07-03,124,odense,Energi Fyn; Odense Havn,NO_COST_DATA,,SDEO-2025-052\n"
	"4,consider,41,Kunstig intelligens,2025-05-01,61,odense,Syddansk Universitet,NO_COST_DATA,,SDEO-2025-060\n"
	"5,consider,30,Gone tonight,,,odense,SDU,NO_DEADLINE,,GONE-1\n";

/* Tonight: own cost raised (VALUE_BELOW_COST, same score and decision —
 * #19's example, 2.59 to 0.39), a deadline come near, a local partner
 * lost and one gained, a deadline no longer readable, one new, one gone. */
static const char *tonight =
	"rank,decision,score,title,deadline,days_left,local_tier,local_partners,flags,value_ratio,id\n"
	"1,prioritise,73.3,Robotics for Healthy Ageing,2025-03-20,19,odense,Syddansk Universitet,DEADLINE_SOON;SDEO_LISTED,9.38,AHF-2025-003\n"
	"2,consider,65.3,Robotter som jobskabere,2025-05-14,74,odense,Syddansk Erhvervsskole; Universal Robots,VALUE_BELOW_COST,0.39,BSF-2025-014\n"
	"3,consider,45.3,Cirkulær byggeri,2025-07-03,124,odense,Energi Fyn; Tietgen,NO_COST_DATA,,SDEO-2025-052\n"
	"4,consider,41,Kunstig intelligens,,,odense,Syddansk Universitet,NO_COST_DATA;DEADLINE_UNREADABLE,,SDEO-2025-060\n"
	"5,consider,20,Brand new,,,fyn,AMU Fyn,NO_DEADLINE,,NEW-1\n";

static void test_changes_that_matter(void **s)
{
	(void)s;
	char *out, *said;
	const char *o = put("old.csv", last_night), *n = put("new.csv", tonight);
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_OK);
	assert_string_equal(out, HEADER
		"deadline_soon,AHF-2025-003,Robotics for Healthy Ageing,prioritise,prioritise,73.3,73.3,1,1,52,19,2025-03-20\n"
		"decision,BSF-2025-014,Robotter som jobskabere,prioritise,consider,65.3,65.3,2,2,,,\n"
		"below_cost,BSF-2025-014,Robotter som jobskabere,prioritise,consider,65.3,65.3,2,2,2.59,0.39,\n"
		"local_lost,SDEO-2025-052,Cirkulær byggeri,consider,consider,45.3,45.3,3,3,2,2,Odense Havn\n"
		"local_gained,SDEO-2025-052,Cirkulær byggeri,consider,consider,45.3,45.3,3,3,2,2,Tietgen\n"
		"deadline_unreadable,SDEO-2025-060,Kunstig intelligens,consider,consider,41,41,4,4,,,\n"
		"new,NEW-1,Brand new,,consider,,20,,5,,,\n"
		"left,GONE-1,Gone tonight,consider,,30,,5,,,,\n");
	assert_string_equal(said, "");
	free(out);
	free(said);
	/* And back: covering its cost again is a change too; a deadline
	 * going out of the soon window or becoming readable is not news. */
	assert_int_equal(changes(n, o, &out, &said), EU_EXIT_OK);
	assert_non_null(strstr(out, "cost_covered,BSF-2025-014,Robotter som jobskabere,consider,prioritise,65.3,65.3,2,2,0.39,2.59,\n"));
	assert_null(strstr(out, "deadline_soon"));
	assert_null(strstr(out, "deadline_unreadable"));
	free(out);
	free(said);
}

/* Every dialect euprio-rank writes compares equal to the plain one:
 * excel-da's ';', BOM, CRLF and decimal comma ("73,3" = "73.3"). */
static void test_dialects(void **s)
{
	(void)s;
	char *out, *said;
	/* Written by the writer euprio-rank uses, in its excel-da options. */
	char dapath[300];
	snprintf(dapath, sizeof dapath, "%s/old-da.csv", dir);
	eu_writer *w = eu_writer_open(dapath, &(eu_writer_opts){.delim = ';', .crlf = 1, .bom = 1,
							     .decimal_comma = 1, .excel_safe = 1});
	char *copy = strdup(last_night), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int col = 0;
		for (char *f = line, *e;; f = e + 1, col++) {
			e = strchr(f, ',');
			size_t n = e ? (size_t)(e - f) : strlen(f);
			/* rank, score, days_left and value_ratio are numbers */
			eu_write_field(w, f, n, col == 0 || col == 2 || col == 5 || col == 9);
			if (!e)
				break;
		}
		eu_write_end(w);
	}
	free(copy);
	eu_writer_close(w);
	eu_buf da = EU_BUF_INIT;
	char *text = slurp(dapath);
	eu_buf_adds(&da, text);
	free(text);
	assert_true(!memcmp(da.p, "\xef\xbb\xbf", 3));
	assert_non_null(strstr(da.p, ";73,3;"));
	assert_non_null(strstr(da.p, ";\"Syddansk Erhvervsskole; Universal Robots\";"));
	assert_non_null(strstr(da.p, "\r\n"));
	const char *o = put("old-da.csv", da.p), *plain = put("old.csv", last_night);
	assert_int_equal(changes(o, plain, &out, &said), EU_EXIT_OK);
	assert_string_equal(out, HEADER);
	free(out);
	free(said);
	assert_int_equal(changes(plain, o, &out, &said), EU_EXIT_OK);
	assert_string_equal(out, HEADER);
	free(out);
	free(said);
	/* Numbers written back plainly whichever dialect they came in. */
	const char *n = put("new.csv", tonight);
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_OK);
	assert_non_null(strstr(out, "below_cost,BSF-2025-014,Robotter som jobskabere,prioritise,consider,65.3,65.3,2,2,2.59,0.39,\n"));
	free(out);
	free(said);
	eu_buf_free(&da);
}

/* "-" is standard input, for OLD or NEW, not a file named "-". */
static void test_stdin(void **s)
{
	(void)s;
	char *out, *said;
	const char *o = put("old.csv", last_night), *n = put("new.csv", tonight);
	int saved = dup(0);
	int fd = open(o, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	assert_int_equal(changes("-", n, &out, &said), EU_EXIT_OK);
	dup2(saved, 0);
	assert_non_null(strstr(out, "below_cost,BSF-2025-014"));
	assert_null(strstr(out, "new,AHF-2025-003"));
	free(out);
	free(said);
	fd = open(n, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	assert_int_equal(changes(o, "-", &out, &said), EU_EXIT_OK);
	dup2(saved, 0);
	close(saved);
	assert_non_null(strstr(out, "below_cost,BSF-2025-014"));
	free(out);
	free(said);
	/* Both cannot be. */
	eu_writer *w = eu_writer_open("/dev/null", NULL);
	char *buf = NULL;
	size_t len = 0;
	eu_diag = open_memstream(&buf, &len);
	assert_int_equal(eu_changes_run("-", "-", NULL, w), EU_EXIT_USAGE);
	fclose(eu_diag);
	eu_diag = NULL;
	eu_writer_close(w);
	assert_non_null(strstr(buf, "cannot both be standard input"));
	free(buf);
}

/* A missing or mistyped OLD is an error, with nothing written: calling
 * every candidate new would mislead.  The first night says so. */
static void test_missing_old(void **s)
{
	(void)s;
	char *out, *said, missing[300];
	const char *n = put("new.csv", tonight);
	snprintf(missing, sizeof missing, "%s/candidates-2025-02-30.csv", dir);
	assert_int_equal(changes(missing, n, &out, &said), EU_EXIT_INPUT);
	assert_string_equal(out, "");
	assert_non_null(strstr(said, "candidates-2025-02-30.csv: cannot open: No such file or directory"));
	assert_non_null(strstr(said, "--first-run"));
	free(out);
	free(said);
	/* An empty file, or one that is not candidates. */
	const char *empty = put("empty.csv", "");
	assert_int_equal(changes(empty, n, &out, &said), EU_EXIT_INPUT);
	assert_string_equal(out, "");
	free(out);
	free(said);
	const char *other = put("other.csv", "reject_code;reject_reason\nNO_GOAL;x\n");
	assert_int_equal(changes(other, n, &out, &said), EU_EXIT_INPUT);
	assert_non_null(strstr(said, "has no id column"));
	free(out);
	free(said);
	/* NEW unreadable: nothing either. */
	const char *o = put("old.csv", last_night);
	assert_int_equal(changes(o, missing, &out, &said), EU_EXIT_INPUT);
	assert_string_equal(out, "");
	free(out);
	free(said);
	/* The first night: every candidate new. */
	assert_int_equal(changes(NULL, n, &out, &said), EU_EXIT_OK);
	assert_non_null(strstr(out, HEADER "new,AHF-2025-003,Robotics for Healthy Ageing,,prioritise,,73.3,,1,,,\n"));
	assert_non_null(strstr(out, "new,NEW-1,"));
	free(out);
	free(said);
}

/* A file without the flags column (a cut someone made): the flag changes
 * are not reported, and that is said; the rest still is. */
static void test_missing_columns(void **s)
{
	(void)s;
	char *out, *said;
	const char *o = put("old.csv", last_night);
	const char *n = put("cut.csv",
		"rank,decision,score,title,local_partners,id\n"
		"1,consider,65.3,Robotter som jobskabere,Syddansk Erhvervsskole,BSF-2025-014\n");
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_OK);
	assert_non_null(strstr(said, "cut.csv: has no flags column: flag changes"));
	assert_null(strstr(out, "below_cost"));
	assert_non_null(strstr(out, "decision,BSF-2025-014"));
	assert_non_null(strstr(out, "local_lost,BSF-2025-014,Robotter som jobskabere,prioritise,consider,65.3,65.3,2,1,2,1,Universal Robots\n"));
	free(out);
	free(said);
	/* A row the reader cannot trust is told and left out. */
	n = put("ragged.csv", "rank,decision,score,title,id\n1,consider,1,x,A,extra\n2,consider,1,y,B\n");
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_BADREC);
	assert_non_null(strstr(said, "ragged.csv:2:"));
	assert_non_null(strstr(out, "new,B,y"));
	free(out);
	free(said);
}

/* The staff's decisions: a record declined since last night is not told
 * as left (tonight's rejects say DECLINED), one left for another reason
 * still is; one back from a decline is told once, with rank's words for
 * what brought it back, not as new; a watched record has every other
 * column that changed told, but not the staff's own flags, nor the
 * columns that change by themselves. */
static void test_staff_decisions(void **s)
{
	(void)s;
	char *out, *said;
	const char *o = put("s-old.csv",
		"rank,decision,score,title,deadline,days_left,local_partners,flags,eu_grant_eur,reasons,origin,staff_decision,since_declined,id\n"
		"1,prioritise,70,Declined today,2025-04-22,52,SDU,,100,a,x.csv:2,,,DEC-1\n"
		"2,consider,50,Closed today,2025-04-22,52,SDU,,100,a,x.csv:3,,,CLO-1\n"
		"3,consider,45,Watched,2025-05-01,61,SDU,SDEO_LISTED,1000000,a,x.csv:4,,,WAT-1\n"
		"4,consider,40,Back before,2025-05-01,61,SDU,SINCE_DECLINE_GRANT,100,a,x.csv:5,decline,words,OLD-BACK\n");
	const char *n = put("s-new.csv",
		"rank,decision,score,title,deadline,days_left,local_partners,flags,eu_grant_eur,reasons,origin,staff_decision,since_declined,id\n"
		"1,prioritise,60,Came back,2025-06-15,106,SDU,SINCE_DECLINE_DEADLINE,100,b,y.csv:9,decline,\"declined on 2025-02-01, since then: new deadline 2025-06-15 (was 2025-04-22)\",BACK-1\n"
		"2,consider,45,Watched,2025-05-15,74,SDU,SDEO_LISTED;STAFF_WATCH,\"1000000.0\",b,y.csv:10,watch,,WAT-1\n"
		"3,consider,40,Back before,2025-05-01,60,SDU,SINCE_DECLINE_GRANT,100,b,y.csv:11,decline,words,OLD-BACK\n"
		"4,consider,35,Expired,,,SDU,NO_DEADLINE;DECLINE_EXPIRED,100,b,y.csv:12,decline,,EXP-1\n");
	const char *r = put("s-rej.csv",
		"reject_code,reject_reason,id,title\n"
		"DECLINED,not ours,DEC-1,Declined today\n"
		"CLOSED,Status 'closed',CLO-1,Closed today\n");
	assert_int_equal(changes_rej(o, n, r, &out, &said), EU_EXIT_OK);
	assert_string_equal(out, HEADER
		"back,BACK-1,Came back,,prioritise,,60,,1,,,\"declined on 2025-02-01, since then: new deadline 2025-06-15 (was 2025-04-22)\"\n"
		"watched,WAT-1,Watched,consider,consider,45,45,3,2,3,2,rank\n"
		"watched,WAT-1,Watched,consider,consider,45,45,3,2,2025-05-01,2025-05-15,deadline\n"
		"back,EXP-1,Expired,,consider,,35,,4,,,DECLINE_EXPIRED\n"
		"left,CLO-1,Closed today,consider,,50,,2,,,,\n");
	assert_string_equal(said, "");
	free(out);
	free(said);
	/* Without tonight's rejects the declined one is told as left; rejects
	 * that cannot be read stop the comparison, as an OLD does. */
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_OK);
	assert_non_null(strstr(out, "left,DEC-1,"));
	free(out);
	free(said);
	assert_int_equal(changes_rej(o, n, put("s-bad.csv", "id,title\nDEC-1,x\n"), &out, &said), EU_EXIT_INPUT);
	assert_string_equal(out, "");
	assert_non_null(strstr(said, "s-bad.csv: has no reject_code column"));
	free(out);
	free(said);
}

/* Calls (decision explore): one new tonight is new_call, with its
 * deadline; one whose deadline came near is call_deadline_soon; a call
 * that left is left, as any candidate. */
static void test_calls(void **s)
{
	(void)s;
	char *out, *said;
	const char *o = put("calls-old.csv",
		"rank,decision,score,title,deadline,days_left,local_tier,local_partners,flags,value_ratio,id\n"
		"1,prioritise,73.3,Robotics for Healthy Ageing,2025-04-22,52,odense,Syddansk Universitet,,9.38,AHF-2025-003\n"
		"2,explore,70.5,Collaborative robots,2025-04-02,32,none,,,,HORIZON-CL4-2025-TWIN-01-07\n"
		"3,explore,60,Closing soon,2025-03-20,19,none,,,,LIFE-2025-GONE\n");
	const char *n = put("calls-new.csv",
		"rank,decision,score,title,deadline,days_left,local_tier,local_partners,flags,value_ratio,id\n"
		"1,prioritise,73.3,Robotics for Healthy Ageing,2025-04-22,51,odense,Syddansk Universitet,,9.38,AHF-2025-003\n"
		"2,explore,70.5,Collaborative robots,2025-04-02,31,none,,DEADLINE_SOON,,HORIZON-CL4-2025-TWIN-01-07\n"
		"3,explore,66,Water for cities,2025-09-30,213,none,,,,HORIZON-MISS-2025-CIT-02\n");
	assert_int_equal(changes(o, n, &out, &said), EU_EXIT_OK);
	assert_string_equal(out, HEADER
		"call_deadline_soon,HORIZON-CL4-2025-TWIN-01-07,Collaborative robots,explore,explore,70.5,70.5,2,2,32,31,2025-04-02\n"
		"new_call,HORIZON-MISS-2025-CIT-02,Water for cities,,explore,,66,,3,,,2025-09-30\n"
		"left,LIFE-2025-GONE,Closing soon,explore,,60,,3,,,,\n");
	free(out);
	free(said);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes_that_matter),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_dialects),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_missing_old),
		cmocka_unit_test(test_missing_columns),
		cmocka_unit_test(test_staff_decisions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
