// services/notifications.js — the staff notification centre (docs/api.md "Notifications").
import { api, withQuery, seg } from '../api.js'

/** One page, newest first: {items, next}; pass next back as after. */
export function listNotifications({ after, limit = 30, unread } = {}) {
  return api.get(withQuery('/api/v1/notifications', { after, limit, unread: unread ? 1 : undefined }))
}

/** Mark one read; answers {unread}. */
export function markRead(id) {
  return api.post(`/api/v1/notifications/${seg(id)}/read`)
}

/** Mark all read; answers {unread: 0}. */
export function markAllRead() {
  return api.post('/api/v1/notifications/read-all')
}

export function unreadCount() {
  return api.get('/api/v1/notifications/count')
}
