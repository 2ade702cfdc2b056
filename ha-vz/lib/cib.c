// SPDX-License-Identifier: GPL-2.0-only
/* The CIB configuration's text surgery (see havz/cib.h). */
#include "havz/cib.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* The next occurrence of tag (e.g. "<configuration") as a whole element name, or NULL. */
static const char *find_tag(const char *from, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = strstr(from, tag); p; p = strstr(p + 1, tag))
		if (p[n] == '>' || p[n] == ' ' || p[n] == '/' || p[n] == '\n' || p[n] == '\t' ||
		    p[n] == '\r')
			return p;
	return NULL;
}

int havz_cib_configuration(const char *cib, struct havz_buf *out)
{
	const char *start = find_tag(cib, "<configuration");
	const char *end = start ? strstr(start, "</configuration>") : NULL;

	if (!start || !end || find_tag(end, "<configuration"))
		return -EINVAL;
	end += strlen("</configuration>");
	havz_buf_free(out);
	return havz_buf_append(out, start, (size_t)(end - start));
}

/* The end (one past '>') of the element that starts at p: self-closed or closed by close. */
static const char *element_end(const char *p, const char *close)
{
	const char *gt = strchr(p, '>');

	if (!gt)
		return NULL;
	if (gt > p && gt[-1] == '/')
		return gt + 1;
	p = strstr(gt, close);
	return p ? p + strlen(close) : NULL;
}

int havz_cib_split_bootstrap(const char *conf, struct havz_buf *rest, struct havz_buf *bootstrap)
{
	havz_buf_free(rest);
	havz_buf_free(bootstrap);
	for (const char *p = find_tag(conf, "<cluster_property_set"); p;
	     p = find_tag(p + 1, "<cluster_property_set")) {
		const char *gt = strchr(p, '>'), *id = strstr(p, "id=\"cib-bootstrap-options\"");
		const char *end, *line;

		if (!id || !gt || id > gt)
			continue;
		end = element_end(p, "</cluster_property_set>");
		if (!end)
			return -EINVAL;
		/* The set's own line, indentation and newline included. */
		line = p;
		while (line > conf && (line[-1] == ' ' || line[-1] == '\t'))
			line--;
		if (*end == '\n')
			end++;
		if (havz_buf_append(rest, conf, (size_t)(line - conf)) ||
		    havz_buf_append(bootstrap, line, (size_t)(end - line)) ||
		    havz_buf_append(rest, end, strlen(end)))
			return -ENOMEM;
		return 0;
	}
	return havz_buf_append(rest, conf, strlen(conf));
}

int havz_cib_with_bootstrap(const char *conf, const char *bootstrap, struct havz_buf *out)
{
	const char *p = find_tag(conf, "<crm_config"), *gt = p ? strchr(p, '>') : NULL;

	havz_buf_free(out);
	if (!gt || gt[-1] == '/')
		return -EINVAL;
	gt++;
	if (*gt == '\n')
		gt++;
	if (havz_buf_append(out, conf, (size_t)(gt - conf)) ||
	    havz_buf_append(out, bootstrap, strlen(bootstrap)) ||
	    havz_buf_append(out, gt, strlen(gt)))
		return -ENOMEM;
	return 0;
}

int havz_cib_has_resources(const char *conf)
{
	static const char *const tags[] = { "<primitive", "<clone",	   "<group",
					    "<bundle",	  "<rsc_location", "<rsc_colocation",
					    "<rsc_order", "<rsc_ticket",   NULL };

	for (size_t i = 0; tags[i]; i++)
		if (find_tag(conf, tags[i]))
			return 1;
	return 0;
}
