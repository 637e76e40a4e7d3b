/* Unit tests for the list-column codec (src/stream/listcol.c): what the
 * stages write, read back item by item, including hostile items. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "euprio/stream/listcol.h"

static void test_lists(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT, j = EU_BUF_INIT;
	eu_list_add(&b, "G3", 2);
	eu_list_add(&b, "G9", 2);
	eu_list_add(&b, "G10", 3);
	assert_string_equal(b.p, "G3;G9;G10");
	assert_int_equal(eu_list_count(b.p, b.len), 3);
	assert_true(eu_list_has(b.p, b.len, "G9", 2));
	assert_false(eu_list_has(b.p, b.len, "G1", 2));     /* not a prefix of G10 */
	assert_false(eu_list_has(b.p, b.len, "G", 1));
	eu_list_join(&j, b.p, b.len, ", ");
	assert_string_equal(j.p, "G3, G9, G10");
	/* Hand-made lists: spaces, empty items, a trailing separator. */
	const char *hand = " research ; ;business;";
	assert_int_equal(eu_list_count(hand, strlen(hand)), 2);
	assert_true(eu_list_has(hand, strlen(hand), "business", 8));
	assert_true(eu_list_has(hand, strlen(hand), "research", 8));
	assert_int_equal(eu_list_count("", 0), 0);
	eu_buf_free(&b);
	eu_buf_free(&j);
}

static void test_names(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	eu_list_it it;
	const char *n;
	size_t len;
	eu_names_add(&b, "SDU", 3);
	eu_names_add(&b, "Odense Robotics;ApS", 19);   /* a ';' inside a name survives */
	assert_string_equal(b.p, "SDU; Odense Robotics;ApS");
	eu_list_begin(&it, b.p, b.len);
	assert_true(eu_names_next(&it, &n, &len));
	assert_int_equal(len, 3);
	assert_true(eu_names_next(&it, &n, &len));
	assert_int_equal(len, 19);
	assert_memory_equal(n, "Odense Robotics;ApS", 19);
	assert_false(eu_names_next(&it, &n, &len));
	/* A "; " inside a name would split it: the writer folds it to ", ". */
	eu_buf_clear(&b);
	eu_names_add(&b, "Ærø Erhvervsråd; Svendborg Kommune", strlen("Ærø Erhvervsråd; Svendborg Kommune"));
	eu_names_add(&b, "x;", 2);
	assert_string_equal(b.p, "Ærø Erhvervsråd, Svendborg Kommune; x;");
	eu_list_begin(&it, b.p, b.len);
	assert_true(eu_names_next(&it, &n, &len));
	assert_true(eu_names_next(&it, &n, &len));
	assert_memory_equal(n, "x;", 2);
	assert_false(eu_names_next(&it, &n, &len));
	eu_buf_free(&b);
}

/* Warnings as the sources write them (listings: "col: 'v' is not what";
 * apps the same): rank finds an unreadable deadline's text in them. */
static void test_warnings(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	const char *t;
	size_t n;
	eu_warning_add(&b, "total_eur", "ca. 2 mio", 9, "an amount");
	eu_warning_add(&b, "deadline", "31-02-2025", 10, "a date");
	assert_string_equal(b.p, "total_eur: 'ca. 2 mio' is not an amount; deadline: '31-02-2025' is not a date");
	assert_true(eu_warning_text(b.p, b.len, "deadline", &t, &n));
	assert_int_equal(n, 10);
	assert_memory_equal(t, "31-02-2025", 10);
	assert_true(eu_warning_text(b.p, b.len, "total_eur", &t, &n));
	assert_memory_equal(t, "ca. 2 mio", 9);
	assert_false(eu_warning_text(b.p, b.len, "eu_grant_eur", &t, &n));
	/* The quoted text may hold the separator; a column whose name ends
	 * another's is not it. */
	const char *w = "old_deadline: 'x' is not a date; deadline: '1. maj; 2025' is not a date";
	assert_true(eu_warning_text(w, strlen(w), "deadline", &t, &n));
	assert_int_equal(n, 12);
	assert_memory_equal(t, "1. maj; 2025", 12);
	const char *apps = "deadline: 'soon' is not a date; eu_grant_eur: 'n/a' is not an amount";
	assert_true(eu_warning_text(apps, strlen(apps), "deadline", &t, &n));
	assert_memory_equal(t, "soon", 4);
	assert_false(eu_warning_text("", 0, "deadline", &t, &n));
	assert_false(eu_warning_text("deadline: 'unterminated", 23, "deadline", &t, &n));
	eu_buf_free(&b);
}

static void test_strengths(void **s)
{
	(void)s;
	eu_buf b = EU_BUF_INIT;
	eu_strength_add(&b, "G3", 2.5);
	eu_strength_add(&b, "G9", 4);
	eu_strength_add(&b, "G10", 0.25);
	assert_string_equal(b.p, "G3:2.5;G9:4;G10:0.25");
	assert_true(eu_strength_sum(b.p, b.len) == 6.75);
	eu_list_it it;
	const char *id;
	size_t idlen;
	double v;
	eu_list_begin(&it, b.p, b.len);
	assert_true(eu_strength_next(&it, &id, &idlen, &v));
	assert_int_equal(idlen, 2);
	assert_true(v == 2.5);
	/* Unreadable items are skipped, not summed as 0 or as garbage. */
	const char *bad = "G1:x;G2;G3:1e3;G4:2";
	assert_true(eu_strength_sum(bad, strlen(bad)) == 2);
	eu_buf_free(&b);
}

static void test_evidence(void **s)
{
	(void)s;
	eu_buf g9 = EU_BUF_INIT, g3 = EU_BUF_INIT, ev = EU_BUF_INIT;
	eu_evidence_term(&g9, "cobots", 6, 40, "summary", 7);
	eu_evidence_term(&g9, "Robotics\tand\nAI", 15, 40, "title", 5);
	/* Text that looks like the separators is folded: "(", ")" and "|"
	 * never stand in a term's text. */
	eu_evidence_term(&g3, "ældre (65+), ", 14, 40, "summary", 7);
	eu_evidence_group(&ev, "G9", g9.p, g9.len);
	eu_evidence_group(&ev, "G3", g3.p, g3.len);
	assert_string_equal(ev.p, "G9: cobots (summary), Robotics and AI (title) | G3: ældre [65+],  (summary)");
	eu_evidence_it it;
	eu_evidence_item e;
	eu_evidence_begin(&it, ev.p, ev.len);
	assert_true(eu_evidence_next(&it, &e));
	assert_memory_equal(e.id, "G9", 2);
	assert_memory_equal(e.text, "cobots", 6);
	assert_int_equal(e.textlen, 6);
	assert_memory_equal(e.field, "summary", 7);
	assert_true(eu_evidence_next(&it, &e));
	assert_int_equal(e.textlen, 15);
	assert_memory_equal(e.field, "title", 5);
	assert_true(eu_evidence_next(&it, &e));
	assert_memory_equal(e.id, "G3", 2);
	assert_int_equal(e.textlen, 14);
	assert_memory_equal(e.text, "ældre [65+], ", 14);
	assert_int_equal(e.fieldlen, 7);
	assert_false(eu_evidence_next(&it, &e));
	/* A term's text is cut on a character boundary. */
	eu_buf c = EU_BUF_INIT;
	eu_evidence_term(&c, "ææææ", 8, 3, "title", 5);
	assert_string_equal(c.p, "æ (title)");
	/* Empty and malformed evidence read as no terms, never past the end. */
	const char *odd[] = {"", "G9", "G9: ", "G9: no field", " | ", "G9: a (title | G3: b (x)", ")"};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		eu_evidence_begin(&it, odd[i], strlen(odd[i]));
		while (eu_evidence_next(&it, &e))
			assert_true(e.text + e.textlen <= odd[i] + strlen(odd[i]));
	}
	eu_buf_free(&g9);
	eu_buf_free(&g3);
	eu_buf_free(&ev);
	eu_buf_free(&c);
}

/* A group written in place is the group written from its own buffer, and
 * each byte of a term's text is kept but the six it must fold. */
static void test_evidence_in_place(void **s)
{
	(void)s;
	eu_buf a = EU_BUF_INIT, t = EU_BUF_INIT, b = EU_BUF_INIT;
	eu_evidence_term(&t, "cobots", 6, 40, "summary", 7);
	eu_evidence_term(&t, "Robotics\tand\nAI", 15, 40, "title", 5);
	eu_evidence_group(&a, "G9", t.p, t.len);
	eu_evidence_group(&a, "G3", "", 0);
	size_t mark = eu_evidence_open(&b, "G9", 2);
	eu_evidence_add(&b, mark, "cobots", 6, 40, "summary", 7);
	eu_evidence_add(&b, mark, "Robotics\tand\nAI", 15, 40, "title", 5);
	eu_evidence_open(&b, "G3", 2);
	assert_string_equal(b.p, a.p);
	assert_string_equal(b.p, "G9: cobots (summary), Robotics and AI (title) | G3: ");
	for (int c = 1; c < 256; c++) {
		char in[1] = {(char)c};
		eu_buf e = EU_BUF_INIT;
		eu_evidence_term(&e, in, 1, 40, "f", 1);
		int want = c == '\t' || c == '\n' || c == '\r' ? ' ' : c == '(' ? '[' : c == ')' ? ']' : c == '|' ? '/' : c;
		assert_int_equal((unsigned char)e.p[0], want);
		assert_string_equal(e.p + 1, " (f)");
		eu_buf_free(&e);
	}
	eu_buf_free(&a);
	eu_buf_free(&t);
	eu_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_strengths),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_evidence_in_place),
		cmocka_unit_test(test_warnings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
