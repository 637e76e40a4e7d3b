/* Listing spreadsheets to canonical records: euprio-sdeo's stage object
 * and its run.  The profiles are profiles.c, dialect sniffing dialect.c,
 * free-text partners partner_text.c, reading and mapping rows rows.c,
 * participant groups and project tables groups.c, and the join
 * (--append) join.c with match.c and spool.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listings_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stream/stream.h"

eu_listings *eu_listings_new(const char *config_dir, const eu_listings_opts *o)
{
	eu_listings *S = eu_xcalloc(1, sizeof *S);
	eu_settings st;
	int rc = 0;

	if (o)
		S->o = *o;
	if (eu_settings_dkk_rate(config_dir, &S->dkk_rate) < 0)
		rc = -1;
	/* The join's rule (docs/listings.md): every number is policy. */
	if (eu_settings_load(&st, config_dir, "settings.csv") < 0) {
		eu_settings_free(&st);
		rc = -1;
	} else {
		rc |= eu_setting_number(&st, "join_title_similarity", 0, 1, &S->title_min);
		rc |= eu_setting_number(&st, "join_lead_title_similarity", 0, 1, &S->lead_title_min);
		rc |= eu_setting_number(&st, "join_weight.call", 0, 100, &S->w_call);
		rc |= eu_setting_number(&st, "join_weight.acronym", 0, 100, &S->w_acronym);
		rc |= eu_setting_number(&st, "join_weight.title", 0, 100, &S->w_title);
		rc |= eu_setting_number(&st, "join_weight.lead", 0, 100, &S->w_lead);
		eu_settings_free(&st);
	}
	if (!(S->countries = eu_countries_load(config_dir)))
		rc = -1;

	rc |= listings_load_profiles(S, config_dir);
	listings_partners_init(S);
	if (rc) {
		eu_listings_free(S);
		return NULL;
	}
	return S;
}

void eu_listings_free(eu_listings *S)
{
	if (!S)
		return;
	listings_free_profiles(S);
	listings_partners_free(S);
	eu_countries_free(S->countries);
	free(S);
}

/* Opens and sniffs one file; its status says whether it can be read. */
static void open_file(const eu_listings *S, struct lfile *f)
{
	f->fd = strcmp(f->path, "-") == 0 ? 0 : open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		eu_warn_at(f->path, 0, "cannot open: %s", strerror(errno));
		f->status = EU_EXIT_INPUT;
		return;
	}
	f->sniff = eu_xmalloc(SNIFF);
	while (f->slen < SNIFF) {
		ssize_t n = read(f->fd, f->sniff + f->slen, SNIFF - f->slen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			eu_warn_at(f->path, 0, "read error: %s", strerror(errno));
			f->status = EU_EXIT_INPUT;
			return;
		}
		if (n == 0) {
			f->eof = 1;
			break;
		}
		f->slen += (size_t)n;
	}
	if (f->slen == 0) {
		eu_warn_at(f->path, 0, "empty file");
		f->status = EU_EXIT_INPUT;
		return;
	}
	if (listings_detect(S, f->path, f->sniff, f->slen, f->eof, &f->d) < 0)
		f->status = EU_EXIT_INPUT;
}

static void close_file(struct lfile *f)
{
	if (f->fd > 0)
		close(f->fd);
	f->fd = -1;
	free(f->sniff);
	f->sniff = NULL;
}

void listings_read_all(struct run *r, struct lfile *files, size_t nfiles)
{
	/* Everything but project tables first, so that a project table's rows
	 * find the participant groups they complete. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nfiles; i++) {
			struct lfile *f = &files[i];
			if (f->status || (f->d.p->pair >= 0) != (pass == 1))
				continue;
			eu_status_raise(&r->status, listings_read_file(r, f));
			close_file(f);
		}
	listings_groups_flush(r);
}

int eu_listings_run(eu_listings *S, char *const *paths, size_t npaths, int append_fd, eu_writer *out)
{
	struct run r = {.S = S, .w = out};
	static char *const stdin_only[] = {"-"};

	if (npaths == 0) {
		if (append_fd == 0) {
			eu_warnx("--append reads the record stream on stdin: name the listing files");
			return EU_EXIT_USAGE;
		}
		paths = stdin_only;
		npaths = 1;
	}
	struct lfile *files = eu_xcalloc(npaths, sizeof *files);
	for (size_t i = 0; i < npaths; i++) {
		files[i].path = paths[i];
		files[i].fd = -1;
		open_file(S, &files[i]);
		eu_status_raise(&r.status, files[i].status);
	}
	if (append_fd < 0) {
		for (size_t i = 0; i < S->ncols; i++)
			eu_write_str(out, S->cols[i]);
		eu_write_end(out);
		listings_read_all(&r, files, npaths);
	} else {
		eu_status_raise(&r.status, listings_join(S, files, npaths, append_fd, out));
	}
	for (size_t i = 0; i < npaths; i++)
		close_file(&files[i]);
	free(files);
	return r.status;
}
