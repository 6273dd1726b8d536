// services/reports.js — monthly reports (docs/reports.md): ask for one, list, poll, download.
import api, { withQuery, seg } from '../api.js'

export const listReports = (unitId, { subtree = true } = {}) =>
  api.get(withQuery('/api/v1/reports', { unit_id: unitId, subtree: subtree ? 1 : undefined }))
export const getReport = (id) => api.get(`/api/v1/reports/${seg(id)}`)
export const requestReport = (unitId, period) => api.post('/api/v1/reports', { unit_id: unitId, period: period || undefined })
export const reportFileUrl = (id, format) => `/api/v1/reports/${seg(id)}/${format === 'xlsx' ? 'xlsx' : 'pdf'}`
