/* fuzz_form.c — form-encoded bodies (core/form.h, the Open311 POST): gg_form_parse, then every key read as an
 * attribute[CODE] / attribute[CODE][] key.  Must never crash or leak; a refusal names the body with a
 * message; every pair it accepts is valid UTF-8 without NUL, and an attribute code is non-empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/form.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gg_arena_t *a = gg_arena_new(4096);
    gg_error_t err;
    gg_form_t f;
    if (gg_form_parse(a, (const char *)data, size, 300, &f, &err) == 0) {
        for (int i = 0; i < f.n; i++) {
            const char *k = f.pairs[i].key, *v = f.pairs[i].value;
            if (!k[0] || !gg_utf8_valid(k, strlen(k)) || !gg_utf8_valid(v, strlen(v))) abort();
            const char *code = NULL;
            int list = -1;
            int rc = gg_form_attribute(a, k, &code, &list);
            if (rc == 1 && (!code || !code[0] || (list != 0 && list != 1))) abort();
            if (gg_form_get(&f, k) == NULL) abort();
        }
    } else if (!err.message[0] || err.http_status != 400 || strcmp(err.field, "body")) {
        abort();
    }
    gg_arena_free(a);
    return 0;
}
