// services/webhooks.js — webhook subscriptions and their deliveries (docs/api.md "Webhooks"), and the camera
// registry (docs/api.md "Video alarms"): administrators only (settings.manage at the root).
import { api, withQuery, seg } from '../api.js'

export function listWebhooks() {
  return api.get('/api/v1/webhooks')
}

/** {name, url, event_types: [...], unit_id?, secret?} → the subscription with its secret (shown once). */
export function createWebhook(body) {
  return api.post('/api/v1/webhooks', body)
}

export function updateWebhook(id, body) {
  return api.patch(`/api/v1/webhooks/${seg(id)}`, body)
}

export function listDeliveries(id, { state, after } = {}) {
  return api.get(withQuery(`/api/v1/webhooks/${seg(id)}/deliveries`, { state, after, limit: 50 }))
}

export function retryDelivery(id) {
  return api.post(`/api/v1/webhook-deliveries/${seg(id)}/retry`)
}

export function listCameras() {
  return api.get('/api/v1/cameras')
}

export function updateCamera(id, body) {
  return api.patch(`/api/v1/cameras/${seg(id)}`, body)
}
