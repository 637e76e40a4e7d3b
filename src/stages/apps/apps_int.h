/* euprio-apps' private header: a compiled mapping profile and the stage's
 * state, shared by the profile compiler (profile.c), the mapping (map.c),
 * the duplicate-id detector (dups.c) and the XML reader (xml.c). */
#ifndef EUPRIO_APPS_INT_H
#define EUPRIO_APPS_INT_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "euprio/core/buf.h"
#include "euprio/core/writer.h"
#include "euprio/core/dupes.h"
#include "euprio/stages/apps.h"
#include "euprio/stream/partners.h"

enum kind { K_CONST, K_FIELD, K_TEXT, K_LIST, K_DATE, K_AMOUNT, K_PARTNERS, K_PARTNER, K_NKIND };

/* One step of a simple path: a child element (with at most one
 * [@attr='value'] test), an attribute, or the parent. */
struct step {
	char kind;               /* 'c' child, 'a' attribute, 'p' parent */
	char *local, *ns;        /* ns NULL: no namespace */
	char *tlocal, *tns, *tval;   /* the attribute test, when tlocal */
};

/* The paths profiles use ("p:budget/p:total", "@id", "../@department",
 * "p:title[@xml:lang='da']") walked directly over the tree.  XPath gives
 * the same nodes, but evaluating it per field and record was a third of
 * euprio-apps' time; anything beyond this grammar still goes to XPath. */
struct path {
	struct step *s;
	size_t n;
};

/* What a rule selects: by its simple path when it has one, else XPath. */
struct sel {
	struct path *path;
	xmlXPathCompExprPtr xp;
};

struct rule {
	enum kind kind;
	int col;                 /* canonical column, or partner attribute */
	char *src;               /* the XPath text, for messages */
	struct sel sel;
	char *value;             /* K_CONST value, or a fixed currency */
	struct sel cur;          /* currency attribute, relative to the amount */
};

/* Nodes a selection found, in document order (scratch, reused). */
struct nodes {
	xmlNodePtr *v;
	size_t n, cap, limit;
};

struct profile {
	char *name;
	char *path;
	char *detect_local[4], *detect_ns[4];
	size_t ndetect;
	char *ns_prefix[8], *ns_uri[8];
	size_t nns;
	char *rec_local, *rec_ns;
	struct rule *rules;
	size_t nrules;
	struct rule *prules;     /* partner attributes */
	size_t nprules;
	struct rule *partners;   /* the K_PARTNERS rule */
};

struct eu_apps {
	struct profile *p;
	size_t np;
	int forced;              /* --profile given */
	double dkk_rate;
	/* per-run state */
	eu_dupes *dups;          /* ids seen in this run */
	/* per-file state */
	const char *file;
	unsigned long errors_shown;
	int quiet;               /* after a refusal: libxml2's echo adds nothing */
	const int *refused;      /* the current source's refusal flag */
	int xpath_only;          /* EUPRIO_XPATH_ONLY: no simple paths (tests) */
	struct nodes sel, parts; /* scratch for values and for partners */
	/* Per-value scratch kept across records: no allocation per field. */
	eu_buf raw, cur, tmp, attr[EU_P_NATTR];
};

/* profile.c: the profile compiler.  Loads every profile in
 * config_dir/profiles, or only `profile` (a name, or a path to a .csv file
 * of the user's own), into A; nonzero after file:line:col messages. */
int apps_load_profiles(eu_apps *A, const char *config_dir, const char *profile);
void apps_profile_free(struct profile *p);

/* map.c: maps one record element and writes it; reject, when set, sends it
 * on as rejected with that reason. */
void apps_emit_node(eu_apps *A, const struct profile *p, xmlXPathContextPtr ctx,
		    xmlNodePtr node, long line, const char *name, eu_writer *w,
		    eu_buf *val, eu_buf *warn, int *status, const char *reject);

/* dups.c: notes a record's id for eu_apps_report_duplicates. */
void apps_note_id(eu_apps *A, const char *id, const char *file, long line);

/* xml.c: sets libxml2 up for untrusted input (no external entity is ever
 * loaded); once, before any profile or document is parsed. */
void apps_xml_init(void);

#endif
