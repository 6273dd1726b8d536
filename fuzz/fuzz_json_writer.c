/* fuzz_json_writer.c — whatever bytes a string holds, the writer's output is
 * valid JSON that jansson reads back. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "json/jw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_key(&w, "k");
    gg_jw_strn(&w, (const char *)data, size);
    gg_jw_obj_end(&w);
    json_error_t je;
    json_t *j = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &je);
    if (!j) abort();
    json_decref(j);
    gg_buf_free(&b);
    return 0;
}
