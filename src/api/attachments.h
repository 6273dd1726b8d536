/*
 * attachments.h — the HTTP surface of attachments (api/attachments.c) and the JSON of an attachment list
 * that the case timeline writers (api/cases/…) embed.
 *
 * Routes (docs/api.md "Attachments"):
 *   POST /api/v1/attachments              raw body, ?name=, logged in (case.report, case.report_own or
 *                                         case.handle anywhere) → 201 {id, sha256, mime, size, name}
 *   POST /api/v1/public/attachments       anonymous, rate-limited per address; ?upload_token= reuses a
 *                                         token → 201 {…, upload_token}
 *   GET  /api/v1/attachments/{id}         metadata (uploader while unlinked; then who may see an owner)
 *   GET  /api/v1/attachments/{id}/content the file (Content-Disposition, nosniff, ETag = sha256, ranges)
 *   GET  /api/v1/public/cases/{number}/attachments/{id}?secret=   a photo of a public event (tracking)
 */
#ifndef GG_API_ATTACHMENTS_H
#define GG_API_ATTACHMENTS_H

#include "domain/attachment.h"
#include "http/http.h"
#include "json/jw.h"

/* One attachment as an object: {"id", "sha256", "mime", "size", "name", "role", "created_at"}
 * (role only when a is a gg_attachment_list row). */
void gg_api_attachment_json(gg_jw_t *w, const gg_attachment_t *a);
/* An array (the value of a key the caller has written) of the rows of rows[0..n) linked to owner_id
 * (owner_id 0: all rows), in order. */
void gg_api_attachments_json(gg_jw_t *w, const gg_attachment_t *rows, int n, int64_t owner_id);

int gg_api_attachment_routes(gg_router_t *r, gg_error_t *err);

#endif
