// services/categories.js — /api/v1/categories (docs/api.md "Matter categories").
import { api, withQuery, seg } from '../api.js'

/** The whole tree, depth first: {items}.  resident: only what residents may pick. */
export function listCategories({ resident } = {}) {
  return api.get(withQuery('/api/v1/categories', { resident: resident ? 1 : undefined }))
}

/** body: {parent_id?, code, name, name_en?, sort?, and the policy fields (null: inherit)} */
export function createCategory(body) {
  return api.post('/api/v1/categories', body)
}

/** patch: {name?, …policy fields (null: inherit), version} — a stale version gets 409 version_conflict. */
export function updateCategory(id, patch) {
  return api.patch(`/api/v1/categories/${seg(id)}`, patch)
}

export function retireCategory(id, version) {
  return api.post(`/api/v1/categories/${seg(id)}/retire`, { version })
}

export function restoreCategory(id, version) {
  return api.post(`/api/v1/categories/${seg(id)}/restore`, { version })
}

/** The frozen policy versions, newest first: {items}. */
export function categoryVersions(id) {
  return api.get(`/api/v1/categories/${seg(id)}/versions`)
}
