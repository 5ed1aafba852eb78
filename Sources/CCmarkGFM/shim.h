// The parts of Debian's cmark-gfm (libcmark-gfm-dev, libcmark-gfm-extensions-dev) that BookKit uses:
// the core parser and renderer, and the GFM extensions (table, strikethrough, autolink, tagfilter, tasklist).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
