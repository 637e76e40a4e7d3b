/* Listing spreadsheets to canonical records: euprio-sdeo's stage object
 * and its run.  The profiles are profiles.c, dialect sniffing dialect.c,
 * free-text partners partner_text.c, reading and mapping rows rows.c and
 * the join (--append) join.c. */
#include <stdlib.h>

#include "listings_int.h"
#include "euprio/core/config.h"
#include "euprio/core/diag.h"
#include "euprio/stream/stream.h"

eu_listings *eu_listings_new(const char *config_dir, const eu_listings_opts *o)
{
	eu_listings *S = eu_xcalloc(1, sizeof *S);
	int rc = 0;

	if (o)
		S->o = *o;
	if (eu_settings_dkk_rate(config_dir, &S->dkk_rate) < 0)
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
	free(S);
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
	if (append_fd < 0) {
		for (size_t i = 0; i < S->ncols; i++)
			eu_write_str(out, S->cols[i]);
		eu_write_end(out);
		for (size_t i = 0; i < npaths && !eu_writer_error(out); i++)
			eu_status_raise(&r.status, listings_read_file(&r, paths[i]));
		return r.status;
	}
	return listings_join(S, paths, npaths, append_fd, out);
}
