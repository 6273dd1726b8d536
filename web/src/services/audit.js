// services/audit.js — GET /api/v1/audit, newest first, and its CSV download.
import { api, withQuery } from '../api.js'

/**
 * One page: {items, next}.  `before` is the previous page's `next` (a seq).
 * `action` matches exactly, or as a prefix when it ends with "." ("account.");
 * `account_id` is who acted; `object_type` + `object_id` what was acted on.
 */
export function listAudit({ before, limit = 50, action, account_id, object_type, object_id } = {}) {
  return api.get(withQuery('/api/v1/audit', { before, limit, action, account_id, object_type, object_id }))
}

/** The CSV of every row the same filters select (GET /api/v1/audit.csv, streamed by the server). */
export function auditCsvUrl({ action, account_id, object_type, object_id } = {}) {
  return withQuery('/api/v1/audit.csv', { action, account_id, object_type, object_id })
}
