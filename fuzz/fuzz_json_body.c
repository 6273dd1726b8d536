/* fuzz_json_body.c — request bodies: gg_json_parse_body then a field schema.
 * Must never crash, leak or accept a non-object; errors must name a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/jparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const gg_field_t fields[] = {
        {"username", GG_F_STR, 1, 1, 64, 0},
        {"age", GG_F_INT, 0, 0, 150, 0},
        {"lat", GG_F_NUM, 0, -90, 90, 0},
        {"tags", GG_F_ARR, 0, 0, 0, 1},
    };
    gg_error_t err;
    json_t *root = NULL;
    if (gg_json_parse_body((const char *)data, size, &root, &err) == 0) {
        if (!json_is_object(root)) abort();
        if (gg_json_check(root, fields, 4, "", &err) < 0 && !err.message[0]) abort();
        json_decref(root);
    } else if (!err.message[0] || err.http_status != 400) {
        abort();
    }
    return 0;
}
