/* The list columns of the record stream, their one writer and reader
 * (docs/record-stream.md):
 *   lists      goals "G3;G9", local_types, twin_cities, flags: items joined by ';'
 *   names      local_partners "SDU; Odense Robotics": joined by "; "
 *   strengths  goal_strength "G3:2.5;G9:4": a list of id:number
 *   evidence   goal_evidence "G9: cobots (summary), robotics (title) | G3: ældre (title)":
 *              per goal "ID: " and its terms "text (field)" joined by ", ",
 *              goals joined by " | "
 *   warnings   warnings "deadline: '31-02-2025' is not a date; total_eur: 'n/a' is
 *              not an amount": what a source could not read, joined by "; "
 * Items never hold their separators: writers fold them away. */
#ifndef EUPRIO_LISTCOL_H
#define EUPRIO_LISTCOL_H

#include <stddef.h>
#include "euprio/core/buf.h"

/* A position in a list column being read. */
typedef struct eu_list_it {
	const char *p, *end;
} eu_list_it;

static inline void eu_list_begin(eu_list_it *it, const char *s, size_t len)
{
	it->p = s;
	it->end = s + len;
}

/* ';' lists.  eu_list_next gives the next non-empty item (trimmed of
 * spaces); 0 at the end. */
void eu_list_add(eu_buf *b, const char *item, size_t len);
int eu_list_next(eu_list_it *it, const char **item, size_t *len);
size_t eu_list_count(const char *s, size_t len);
int eu_list_has(const char *s, size_t len, const char *item, size_t ilen);
/* Appends the items of s to out joined by sep ("G3, G9" for people). */
void eu_list_join(eu_buf *out, const char *s, size_t len, const char *sep);

/* "; " lists of names (a "; " inside a name is written ", "). */
void eu_names_add(eu_buf *b, const char *name, size_t len);
int eu_names_next(eu_list_it *it, const char **name, size_t *len);

/* id:number lists. */
void eu_strength_add(eu_buf *b, const char *id, double v);
int eu_strength_next(eu_list_it *it, const char **id, size_t *idlen, double *v);
/* The sum of the numbers (0 for an empty or unreadable list). */
double eu_strength_sum(const char *s, size_t len);

/* Evidence.  A writer either collects a goal's terms with
 * eu_evidence_term in a buffer of their own and adds them as its group
 * with eu_evidence_group, or opens the group in place with
 * eu_evidence_open and adds each term with eu_evidence_add, given the
 * length open returned.  A term's text is cut to max bytes on a character
 * boundary; TABs and line breaks in it become spaces, and the separators
 * ( ) | become [ ] /. */
void eu_evidence_group(eu_buf *b, const char *id, const char *terms, size_t tlen);
void eu_evidence_term(eu_buf *terms, const char *text, size_t len, size_t max, const char *field,
		      size_t flen);
size_t eu_evidence_open(eu_buf *b, const char *id, size_t idlen);
void eu_evidence_add(eu_buf *b, size_t mark, const char *text, size_t len, size_t max, const char *field,
		     size_t flen);
/* Reading evidence term by term: each with its goal id, text and field. */
typedef struct eu_evidence_it {
	const char *p, *end;
	const char *gend;        /* end of the current goal's group */
	const char *id;          /* the current goal's id */
	size_t idlen;
} eu_evidence_it;
typedef struct eu_evidence_item {
	const char *id, *text, *field;
	size_t idlen, textlen, fieldlen;
} eu_evidence_item;
void eu_evidence_begin(eu_evidence_it *it, const char *s, size_t len);
int eu_evidence_next(eu_evidence_it *it, eu_evidence_item *e);

/* Warnings: notes about values a source could not read, "; "-separated;
 * the record goes on.  eu_warning_add writes the common one — the value,
 * quoted (a glimpse of 200 bytes at most, cut on a character, "..." after
 * a cut), and what it is not ("a date") — in the form eu_warning_text
 * reads back: the text quoted by the first warning about column col; 0
 * when there is none.  eu_warnings_addf adds any other note (cut at 512
 * bytes on a character). */
void eu_warning_add(eu_buf *b, const char *col, const char *text, size_t len, const char *what);
void eu_warnings_addf(eu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int eu_warning_text(const char *s, size_t len, const char *col, const char **text, size_t *tlen);

#endif
