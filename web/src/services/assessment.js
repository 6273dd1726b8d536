// services/assessment.js — the assessment (考核) API (docs/api.md "Assessment"): plans and their tasks,
// activation and computation, scorecards, rankings, manual scores with evidence, review and history.
import { api, seg, withQuery } from '../api.js'

const base = '/api/v1/assessment'

export async function listPlans() {
  return (await api.get(`${base}/plans`)).items
}
export function getPlan(id) {
  return api.get(`${base}/plans/${seg(id)}`)
}
export function activatePlan(id, version) {
  return api.post(`${base}/plans/${seg(id)}/activate`, { version })
}
export function closePlan(id, version) {
  return api.post(`${base}/plans/${seg(id)}/close`, { version })
}
export function computePlan(id) {
  return api.post(`${base}/plans/${seg(id)}/compute`)
}
export function getRanking(id) {
  return api.get(`${base}/plans/${seg(id)}/ranking`)
}
export function getScorecard(planId, unitId) {
  return api.get(`${base}/plans/${seg(planId)}/units/${seg(unitId)}`)
}
export function submitScore(planId, body) {
  return api.post(`${base}/plans/${seg(planId)}/scores`, body)
}
export function reviewScore(scoreId, body) {
  return api.post(`${base}/scores/${seg(scoreId)}/review`, body)
}
export async function scoreHistory(scoreId) {
  return (await api.get(`${base}/scores/${seg(scoreId)}/history`)).items
}
export function rankingExportUrl(id) {
  return `${base}/plans/${seg(id)}/ranking/export`
}
export function scorecardExportUrl(planId, unitId) {
  return withQuery(`${base}/plans/${seg(planId)}/units/${seg(unitId)}/export`)
}
