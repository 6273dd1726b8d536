// services/transfer.js — bulk import and export (docs/api.md "Import and export").
// Uploads go through XMLHttpRequest, not fetch: only XHR reports upload progress.
import { getCsrfToken, makeError, withQuery } from '../api.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Template download URL: kind 'residents' | 'houses', format 'xlsx' | 'csv'. */
export function templateUrl(kind, format) {
  return `/api/v1/imports/templates/${kind}.${format}`
}

/** Export download URL with filters (empty values left out). */
export function exportUrl(kind, format, filters = {}) {
  return withQuery(`/api/v1/exports/${kind}.${format}`, filters)
}

/**
 * Upload a CSV/XLSX file as the raw request body.  target: {unit_id} or {building_id};
 * onProgress(fraction 0..1).  Resolves to the import summary; rejects with {status, code, message, field}.
 */
export function importFile(kind, file, target, { dryRun = false, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const url = withQuery(`/api/v1/imports/${kind}`, { ...target, dry_run: dryRun ? 1 : undefined })
    xhr.open('POST', url)
    const isXlsx = /\.xlsx$/i.test(file.name)
    xhr.setRequestHeader('Content-Type', isXlsx ? XLSX_TYPE : 'text/csv')
    xhr.setRequestHeader('Accept', 'application/json')
    const token = getCsrfToken()
    if (token) xhr.setRequestHeader('X-CSRF-Token', token)
    xhr.upload.onprogress = (e) => {
      if (onProgress && e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status === 200) return resolve(body)
      reject(makeError(xhr.status, body, xhr.statusText))
    }
    xhr.onerror = () => reject(makeError(0, null, 'network error'))
    xhr.send(file)
  })
}
