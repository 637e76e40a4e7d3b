/* Cells: Excel's limits on a cell's text (cut at a character boundary,
 * control characters cleaned), the formats every sheet uses (number
 * formats, Excel's good/neutral/bad colours), a text cell with its width,
 * and the codes whose words the sheets show. */
#include <stdint.h>
#include <string.h>

#include "euprio/core/buf.h"
#include "euprio/stages/xlsx.h"
#include "xlsx_int.h"

const char *const xl_code_prefix[NXC] = {"decision.", "tier.", "change.", "staff."};

size_t xl_ncodes(enum xl_code c)
{
	return c == XC_DECISION ? EU_NDECISIONS : c == XC_TIER ? EU_NTIERS : c == XC_STAFF ? EU_NSTAFF : EU_NCHANGES;
}

const char *xl_code_name(enum xl_code c, size_t i)
{
	if (c == XC_DECISION)
		return eu_decision_names[i];
	if (c == XC_TIER)
		return eu_tier_names[EU_NTIERS - 1 - i];
	if (c == XC_STAFF)
		return eu_staff_names[i];
	return eu_change_names[i];
}

int xl_code_of(enum xl_code c, const char *v)
{
	size_t len = strlen(v);

	if (c == XC_DECISION)
		return eu_decision_parse(v, len);
	if (c == XC_TIER) {
		int t = eu_tier_parse(v, len, 1);
		return t < 0 ? -1 : EU_NTIERS - 1 - t;
	}
	if (c == XC_STAFF)
		return eu_staff_parse(v, len);
	return (int)eu_word_index(eu_change_names, EU_NCHANGES, v, len);
}

size_t eu_xlsx_fit(const char *s, size_t len, size_t max)
{
	size_t units = 0, i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		size_t u = n == 4 ? 2 : 1;      /* outside the BMP: a surrogate pair */
		if (i + n > len)
			n = len - i;
		if (units + u > max)
			return i;
		units += u;
		i += n;
	}
	return len;
}

int eu_xlsx_cell_text(eu_buf *out, const char *s, size_t len, const char *marker)
{
	size_t mlen = strlen(marker), keep = eu_xlsx_fit(s, len, EU_XLSX_CELL_MAX);
	int cut = keep < len;

	if (cut)
		keep = eu_xlsx_fit(s, len, EU_XLSX_CELL_MAX - eu_xlsx_fit(marker, mlen, SIZE_MAX) - 1);
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r') {
			if (i + 1 < keep && s[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
			c = ' ';
		}
		eu_buf_addc(out, (char)c);
	}
	if (cut) {
		eu_buf_addc(out, ' ');
		eu_buf_add(out, marker, mlen);
	}
	if (!out->p)
		eu_buf_add(out, "", 0);
	return cut;
}

/* ---- formats ---- */

static lxw_format *fmt(xl *X, const char *num, lxw_color_t bg, lxw_color_t fg)
{
	lxw_format *f = workbook_add_format(X->wb);
	if (num)
		format_set_num_format(f, num);
	if (bg) {
		format_set_bg_color(f, bg);
		format_set_pattern(f, LXW_PATTERN_SOLID);
	}
	if (fg)
		format_set_font_color(f, fg);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

/* Number formats are stored in Excel's neutral form ("#,##0"); a Danish
 * Excel shows them with its own separators (1.234.567). */
void xl_make_formats(xl *X)
{
	X->f_head = workbook_add_format(X->wb);
	format_set_bold(X->f_head);
	format_set_text_wrap(X->f_head);
	format_set_align(X->f_head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bottom(X->f_head, LXW_BORDER_THIN);
	format_set_bg_color(X->f_head, 0xD9E1F2);
	format_set_pattern(X->f_head, LXW_PATTERN_SOLID);
	X->f_wrap = fmt(X, NULL, 0, 0);
	format_set_text_wrap(X->f_wrap);
	X->f_int = fmt(X, "#,##0", 0, 0);
	X->f_num = fmt(X, "#,##0.0", 0, 0);
	X->f_amount = fmt(X, "#,##0", 0, 0);
	X->f_ratio = fmt(X, "0.00", 0, 0);
	X->f_date = fmt(X, "dd-mm-yyyy", 0, 0);
	X->f_link = fmt(X, NULL, 0, 0x0563C1);
	format_set_underline(X->f_link, LXW_UNDERLINE_SINGLE);
	/* The colours of Excel's own "good / neutral / bad" styles, which
	 * readers already know. */
	X->f_red = fmt(X, "#,##0", 0xFFC7CE, 0x9C0006);
	X->f_amber = fmt(X, "#,##0", 0xFFEB9C, 0x9C5700);
	X->f_dec[EU_DEC_PRIORITISE] = fmt(X, NULL, 0xC6EFCE, 0x006100);
	X->f_dec[EU_DEC_CONSIDER] = fmt(X, NULL, 0xFFEB9C, 0x9C5700);
	/* A call to explore: lavender, a colour of its own for the call
	 * track, between "good" and the reviews' blue. */
	X->f_dec[EU_DEC_EXPLORE] = fmt(X, NULL, 0xE4DFEC, 0x5B3C88);
	X->f_dec[EU_DEC_REVIEW] = fmt(X, NULL, 0xDDEBF7, 0x1F4E78);
	X->f_dec[EU_DEC_REJECT] = fmt(X, NULL, 0xFFC7CE, 0x9C0006);
	X->f_title = workbook_add_format(X->wb);
	format_set_bold(X->f_title);
	format_set_font_size(X->f_title, 14);
	X->f_month = fmt(X, "mmm yyyy", 0, 0);
	format_set_align(X->f_month, LXW_ALIGN_LEFT);
	X->f_bold = workbook_add_format(X->wb);
	format_set_bold(X->f_bold);
	X->f_bold_int = workbook_add_format(X->wb);
	format_set_bold(X->f_bold_int);
	format_set_num_format(X->f_bold_int, "#,##0");
}

/* ---- text cells ---- */

void xl_put_string(xl *X, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *v, size_t len,
		   lxw_format *f, double *width)
{
	eu_buf_clear(&X->tmp);
	eu_xlsx_cell_text(&X->tmp, v, len, X->cut);
	worksheet_write_string(ws, r, c, X->tmp.p, f);
	if (width) {
		double w = xl_text_width(X->tmp.p, X->tmp.len);
		if (w > *width)
			*width = w;
	}
}
