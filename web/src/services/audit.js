// services/audit.js — GET /api/v1/audit, newest first.
import { api, withQuery } from '../api.js'

/**
 * One page: {items, next}.  `before` is the previous page's `next` (a seq).
 * `action` matches exactly, or as a prefix when it ends with "." ("account.");
 * `account_id` is who acted; `object_type` + `object_id` what was acted on.
 */
export function listAudit({ before, limit = 50, action, account_id, object_type, object_id } = {}) {
  return api.get(withQuery('/api/v1/audit', { before, limit, action, account_id, object_type, object_id }))
}
